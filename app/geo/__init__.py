"""Geography: communes and their boundaries, projections, boundary import and routing."""
