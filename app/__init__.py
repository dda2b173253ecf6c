"""ComplaintDesk application core: services, policy, auth, audit, CLI. No Qt widgets."""
