"""The ui layer (see README, Design)."""
