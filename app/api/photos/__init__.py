"""/api/v1: photo uploads to reports and the photo files themselves."""
