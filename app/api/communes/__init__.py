"""HTTP resource: communes."""
