"""Reports: what residents send, where it goes and what happens to it."""
