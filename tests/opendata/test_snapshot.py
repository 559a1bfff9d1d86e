"""`flask opendata snapshot`: four files of the whole published dataset from one database
snapshot, a manifest that describes them, and replacements that no reader ever sees half of."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyogrio
import pytest
import shapely
from sqlalchemy import text

from app.opendata import snapshot as snapshot_module
from app.opendata.snapshot_files import FILES, MANIFEST, read_manifest
from tests.factories import FLAGEY, HOURS_AGO

FORMATS = list(FILES)


def write(app, *args):
    result = app.test_cli_runner().invoke(args=["opendata", "snapshot", *args])
    assert result.exit_code == 0, result.output
    return result


def snapshot_dir(app) -> Path:
    return Path(app.config["SNAPSHOT_DIR"])


def view_count(session) -> int:
    return session.execute(text("SELECT count(*) FROM open_data_reports")).scalar_one()


def features(path: Path) -> int:
    """The number of features GDAL reads in the file (CSV rows and GeoJSON Features too)."""
    return pyogrio.read_info(str(path), force_feature_count=True)["features"]


@pytest.fixture
def reports(report_factory, session):
    made = [
        report_factory(in_brussels=True, description="Hole by the tram stop"),
        report_factory(in_namur=True, closed=True),
        report_factory(in_liege=True, status="acknowledged", with_reporter=True),
        # Sensitive: published on a 100 m grid, to the hour.
        report_factory(
            lon=FLAGEY[0], lat=FLAGEY[1], category="illegal_dumping", created_at=HOURS_AGO
        ),
    ]
    session.execute(
        text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": made[0].id}
    )
    return made


def test_the_command_writes_four_files_holding_every_published_report(app, session, reports):
    result = write(app)

    directory = snapshot_dir(app)
    total = view_count(session)
    assert total == len(reports)
    assert f"{total} reports in each file" in result.output
    manifest = read_manifest(directory)
    for fmt, name in FILES.items():
        path = directory / name
        assert features(path) == total, fmt
        entry = manifest["files"][fmt]
        assert entry["features"] == total
        assert entry["size"] == path.stat().st_size
    assert sorted(p.name for p in directory.iterdir()) == sorted([*FILES.values(), MANIFEST])


def test_csv_and_geojson_are_the_exports_own_bytes(app, client, reports):
    write(app)

    for fmt in ("csv", "geojson"):
        export = client.get(f"/opendata/reports.{fmt}").data
        assert (snapshot_dir(app) / FILES[fmt]).read_bytes() == export, fmt


def test_gis_files_carry_the_csv_columns_and_wgs84_points(app, session, reports):
    write(app)

    published = {
        str(row.id): (row.lon, row.lat)
        for row in session.execute(
            text("SELECT id, ST_X(location) AS lon, ST_Y(location) AS lat FROM open_data_reports")
        )
    }
    csv_header = (snapshot_dir(app) / "reports.csv").read_text().splitlines()[0].split(",")
    for fmt in ("gpkg", "fgb"):
        path = str(snapshot_dir(app) / FILES[fmt])
        info = pyogrio.read_info(path)
        assert info["crs"] == "EPSG:4326", fmt
        assert info["geometry_type"] == "Point", fmt
        assert list(info["fields"]) == csv_header, fmt
        _, _, geometry, values = pyogrio.raw.read(path, columns=["id"])
        points = {str(i): g for i, g in zip(values[0], geometry, strict=True)}
        assert set(points) == set(published), fmt


def test_a_sensitive_report_shows_only_its_generalised_point(app, session, reports):
    sensitive = reports[-1]
    exact = (FLAGEY[0], FLAGEY[1])
    published = session.execute(
        text("SELECT ST_X(location), ST_Y(location) FROM open_data_reports WHERE id = :id"),
        {"id": sensitive.id},
    ).one()
    assert abs(published[0] - exact[0]) + abs(published[1] - exact[1]) > 1e-4

    write(app)

    for fmt in FORMATS:
        path = str(snapshot_dir(app) / FILES[fmt])
        # The CSV's point is its lon/lat columns; the others' is their geometry.
        kwargs = {"X_POSSIBLE_NAMES": "lon", "Y_POSSIBLE_NAMES": "lat"} if fmt == "csv" else {}
        _, _, geometry, values = pyogrio.raw.read(path, columns=["id"], **kwargs)
        point = shapely.from_wkb(geometry[list(values[0]).index(str(sensitive.id))])
        assert (point.x, point.y) == pytest.approx(published, abs=1e-6), fmt
        raw = Path(path).read_bytes()
        assert f"{exact[0]:.4f}".encode() not in raw, fmt
        assert f"{exact[1]:.4f}".encode() not in raw, fmt


def test_a_reader_of_the_old_file_keeps_reading_the_old_bytes(app, report_factory, reports):
    write(app)
    path = snapshot_dir(app) / "reports.geojson"
    old = path.read_bytes()

    with path.open("rb") as reader:
        head = reader.read(100)
        report_factory(in_brussels=True)
        write(app)
        rest = reader.read()

    assert head + rest == old
    assert path.read_bytes() != old
    assert features(path) == len(reports) + 1


def test_a_failure_midway_keeps_the_old_snapshot_and_leaves_no_scrap(
    app, report_factory, reports, monkeypatch
):
    write(app)
    directory = snapshot_dir(app)
    before = {name: (directory / name).read_bytes() for name in [*FILES.values(), MANIFEST]}
    report_factory(in_brussels=True)
    real = snapshot_module.write_gdal

    def fail_on_flatgeobuf(connection, path, driver, prefix, stopping):
        if driver == "FlatGeobuf":
            # Half a file written, then the disk fills up.
            path.write_bytes(b"fgb\x03" + b"\0" * 1000)
            raise OSError(28, "No space left on device")
        return real(connection, path, driver, prefix, stopping)

    monkeypatch.setattr(snapshot_module, "write_gdal", fail_on_flatgeobuf)
    result = app.test_cli_runner().invoke(args=["opendata", "snapshot"])

    assert result.exit_code != 0
    assert isinstance(result.exception, OSError)
    after = {name: (directory / name).read_bytes() for name in before}
    assert after == before
    assert sorted(p.name for p in directory.iterdir()) == sorted(before)


def test_a_stopped_writer_replaces_nothing(app, reports):
    directory = snapshot_dir(app)
    asked = []

    def stopping() -> bool:
        asked.append(1)
        return len(asked) > 1

    with pytest.raises(snapshot_module.SnapshotStoppedError):
        snapshot_module.write_snapshot(
            app.config["DATABASE"].sessionmaker, directory, "http://x/", stopping=stopping
        )

    assert list(directory.iterdir()) == []


def test_leftovers_of_a_killed_writer_are_removed_by_the_next(app, reports):
    directory = snapshot_dir(app)
    scrap = directory / ".snapshot-killed"
    scrap.mkdir(parents=True)
    (scrap / "reports.fgb_temp.fgb").write_bytes(b"x")
    (directory / ".manifest.json.1234.part").write_text("{")

    write(app)

    assert sorted(p.name for p in directory.iterdir()) == sorted([*FILES.values(), MANIFEST])


def test_the_manifest_describes_each_file(app, reports):
    import hashlib

    write(app)
    directory = snapshot_dir(app)
    manifest = json.loads((directory / MANIFEST).read_text())

    for fmt, name in FILES.items():
        entry = manifest["files"][fmt]
        stat = os.stat(directory / name)
        assert entry["sha256"] == hashlib.sha256((directory / name).read_bytes()).hexdigest()
        assert (entry["inode"], entry["size"], entry["mtime_ns"]) == (
            stat.st_ino,
            stat.st_size,
            stat.st_mtime_ns,
        )
        assert entry["modified"].endswith("+00:00")
