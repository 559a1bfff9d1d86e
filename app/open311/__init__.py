"""Open311 GeoReport v2 core: service requests and mySociety's request updates, without HTTP."""
