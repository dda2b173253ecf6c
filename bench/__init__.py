"""Performance harness: builds (or reuses) a large encrypted demo database and measures the
operations of DESIGN §8 against their budgets. Run `python -m bench --help`."""
