"""Delivery of reports to the bodies' own systems (issue 16): settings, sending, status pull."""
