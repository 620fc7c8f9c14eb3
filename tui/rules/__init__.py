"""The rules layer (see README, Design)."""
