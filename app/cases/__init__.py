"""The complaint lifecycle: intake, routing, handling, reply, follow-up and sign-off services."""
