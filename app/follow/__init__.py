"""Residents' follow links: the reporter's private link (read, comment, reopen), the phone's
kept link, and following a report someone else made."""
