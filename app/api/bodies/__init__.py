"""/api/v1/bodies/<code>/delivery: how a body receives its reports (administrators, managers)."""
