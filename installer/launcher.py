"""Frozen-application entry point: the same `main()` as the `complaintdesk` command."""

import sys

from app.entry import main

if __name__ == "__main__":
    sys.exit(main())
