"""The core layer (see README, Design)."""
