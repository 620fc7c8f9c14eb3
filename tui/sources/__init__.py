"""Sources: async producers of canonical mentions. See `base.py` for the contract."""
