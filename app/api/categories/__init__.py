"""HTTP resource: categories."""
