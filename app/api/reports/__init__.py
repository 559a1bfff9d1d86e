"""HTTP resource: reports."""
