"""Open data: what Pavé publishes about reports, always from the anonymised view."""
