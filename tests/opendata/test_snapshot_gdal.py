"""GDAL (through pyogrio) opens each snapshot by its URL over real HTTP, as QGIS and ogr2ogr do.

The app runs under werkzeug's threaded server in a process of its own
(tests.helpers.servers.ServerProcess): pyogrio keeps the GIL while GDAL waits for an answer,
so a server thread in the test's process (LiveServer) could not answer. Serving the files
needs no database: the server reads the snapshot directory the test's command wrote.
GDAL's /vsicurl/ asks for the size (HEAD), then reads byte ranges: it needs Content-Length,
Accept-Ranges and correct 206 answers, which the streamed exports never had.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pyogrio
import pytest
from sqlalchemy import text

from app.opendata.snapshot_files import FILES
from tests.helpers.servers import ServerProcess, free_port


@pytest.fixture
def live(app) -> Iterator[ServerProcess]:
    config = {key: app.config[key] for key in ("DATABASE_URL", "SNAPSHOT_DIR", "PUBLIC_BASE_URL")}
    server = ServerProcess(config, free_port())
    # GDAL keeps what it read of a URL for the whole process: another test's server on the
    # same port would otherwise be read from that cache.
    pyogrio.set_gdal_config_options({"CPL_VSIL_CURL_NON_CACHED": f"/vsicurl/{server.url}"})
    server.start()
    try:
        yield server
    finally:
        server.stop()
        pyogrio.set_gdal_config_options({"CPL_VSIL_CURL_NON_CACHED": None})


@pytest.fixture
def in_database(app, session, report_factory) -> int:
    """Reports all over Belgium, a snapshot of them, and how many the view held then."""
    for i in range(12):
        place = ("in_brussels", "in_namur", "in_liege", "in_ixelles")[i % 4]
        report_factory(**{place: True}, description=f"Report {i}")
    count = session.execute(text("SELECT count(*) FROM open_data_reports")).scalar_one()
    result = app.test_cli_runner().invoke(args=["opendata", "snapshot"])
    assert result.exit_code == 0, result.output
    return count


def test_the_bundled_gdal_reads_urls_and_writes_both_gis_formats():
    drivers = pyogrio.list_drivers()
    assert pyogrio.__gdal_version__ >= (3, 8, 0)  # write_arrow
    assert drivers["GPKG"] == "raw" and drivers["FlatGeobuf"] == "rw"


def test_gdal_opens_each_snapshot_by_url_and_reads_every_feature(live, in_database):
    # One snapshot and one server for the eight reads: each takes seconds to set up.
    for fmt, prefix in itertools.product(FILES, ["", "/vsicurl/"]):
        url = f"{prefix}{live.url}/opendata/snapshots/{FILES[fmt]}"

        info = pyogrio.read_info(url, force_feature_count=True)
        _, _, _, fields = pyogrio.raw.read(url, columns=["id"])

        assert info["features"] == in_database == 12, url
        assert len(fields[0]) == in_database, url
        if fmt != "csv":
            assert info["crs"] == "EPSG:4326", url
            assert info["geometry_type"] == "Point", url


def test_a_bbox_read_of_the_flatgeobuf_over_http_uses_its_spatial_index(live, in_database):
    url = f"/vsicurl/{live.url}/opendata/snapshots/reports.fgb"
    around_namur = (4.80, 50.40, 4.95, 50.50)

    _, _, geometry, fields = pyogrio.raw.read(url, bbox=around_namur, columns=["commune_name_fr"])

    assert set(fields[0]) == {"Namur"}
    assert len(geometry) == 3
