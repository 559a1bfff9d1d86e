"""Open311 GeoReport v2 server: services, service requests and mySociety's request updates."""
