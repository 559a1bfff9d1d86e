"""Ticket lifecycle: transitions, audit log, updates and the notification outbox."""
