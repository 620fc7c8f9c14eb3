"""The storage layer (see README, Design)."""
