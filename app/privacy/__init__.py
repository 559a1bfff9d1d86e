"""Personal data kept no longer than needed: the retention policy and its purge."""
