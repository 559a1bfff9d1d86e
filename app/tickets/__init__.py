"""Ticket lifecycle: transitions, edits, audit log and the staff read side."""
