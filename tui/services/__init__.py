"""The services layer (see README, Design)."""
