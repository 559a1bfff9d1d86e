"""Categories of problems; a category's code is its Open311 service_code."""
