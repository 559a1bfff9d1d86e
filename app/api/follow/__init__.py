"""/api/v1/follow: the resident's private follow link, without an account."""
