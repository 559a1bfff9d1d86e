"""OGC API Features (Part 1 Core, Part 2 CRS) over the published reports and the communes.

No Flask here: parameter parsing, the collections and their SQL, and the OpenAPI document.
The HTTP layer is app/api/ogc.
"""
