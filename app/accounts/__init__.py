"""Staff accounts: users, scoped role grants, API tokens and the access policy (no Flask here)."""
