"""The cli layer (see README, Design)."""
