"""`python -m app` behaves like the `complaintdesk` command."""

import sys

from app.entry import main

sys.exit(main())
