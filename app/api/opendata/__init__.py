"""/opendata: the DCAT-AP catalogue (catalog.py) and the anonymised exports."""
