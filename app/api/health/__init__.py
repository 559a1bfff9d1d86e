"""HTTP resource: health."""
