"""Administration pages: users, departments, settings (shown only where the policy allows)."""
