"""Telling people: the outbox written with each change, its worker, the daily digest and the
email texts in the four languages of use."""
