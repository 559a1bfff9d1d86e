"""Helpers the tests share: fixtures, constants, readers and servers. No tests live here."""
