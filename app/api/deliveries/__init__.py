"""/api/v1/staff/deliveries: the reports a body's own system did not take, and their retry."""
