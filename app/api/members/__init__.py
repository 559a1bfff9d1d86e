"""/api/v1/staff/bodies/<code>/members: who may be given a ticket of a body."""
