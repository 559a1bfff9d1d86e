"""/api/v1/staff/tickets: the tickets of a commune's crews, their lifecycle and their trail."""
