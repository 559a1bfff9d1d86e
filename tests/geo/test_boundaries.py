"""Boundary files are read in any supported CRS, normalised to WGS84, and bad input is named."""

from __future__ import annotations

import json

import numpy as np
import pyogrio.raw
import pytest
import shapely
from shapely.geometry import box

from app.config import ROOT
from app.geo.boundaries import (
    BoundaryFileError,
    read_boundary_file,
    region_of,
    to_commune,
)
from app.geo.projection import LAMBERT_72, LAMBERT_2008, WGS84, UnsupportedCRSError, transformer

FIXTURES = ROOT / "fixtures"


def _feature(geometry, **props):
    return {"properties": {"nis_code": "99001", **props}, "geometry": geometry}


def _area_m2(geometry) -> float:
    """Area of a WGS84 geometry measured in Lambert 2008."""
    to_metric = transformer(WGS84, LAMBERT_2008)
    return shapely.transform(
        geometry, lambda x, y: to_metric.transform(x, y), interleaved=False
    ).area


@pytest.mark.parametrize(
    ("nis", "region"),
    [
        ("21004", "04000"),  # Bruxelles
        ("21009", "04000"),  # Ixelles
        ("11002", "02000"),  # Antwerpen
        ("23106", "02000"),  # Vlaams-Brabant (Herne)
        ("24062", "02000"),  # Leuven
        ("25072", "03000"),  # Brabant wallon (Ottignies-Louvain-la-Neuve)
        ("44021", "02000"),  # Gent
        ("52011", "03000"),  # Charleroi
        ("62063", "03000"),  # Liège
        ("63023", "03000"),  # Eupen: German-speaking, but in the Walloon Region
        ("73111", "02000"),  # Tongeren-Borgloon
        ("82039", "03000"),  # Bastogne
        ("92094", "03000"),  # Namur
    ],
)
def test_region_of_follows_the_province_digit(nis, region):
    assert region_of(nis) == region


def test_lambert_72_square_is_reprojected_to_wgs84():
    square = box(150_000, 170_000, 151_000, 171_000)
    commune, repaired = to_commune(_feature(square.__geo_interface__), LAMBERT_72)
    assert not repaired
    assert commune.geometry.geom_type == "MultiPolygon"
    minx, miny, maxx, maxy = commune.geometry.bounds
    # Just south-east of Brussels' centre.
    assert 4.36 < minx < maxx < 4.39
    assert 50.83 < miny < maxy < 50.85
    assert _area_m2(commune.geometry) == pytest.approx(1_000_000, rel=1e-3)
    # The corners come back where they were.
    back = transformer(WGS84, LAMBERT_72).transform(minx, miny)
    assert back == pytest.approx((150_000, 170_000), abs=30)


def test_lambert_2008_square_is_reprojected_to_wgs84():
    square = box(650_000, 670_000, 651_000, 671_000)
    commune, _ = to_commune(_feature(square.__geo_interface__), LAMBERT_2008)
    lon, lat = commune.geometry.centroid.coords[0]
    expected = transformer(LAMBERT_2008, WGS84).transform(650_500, 670_500)
    assert (lon, lat) == pytest.approx(expected, abs=1e-6)
    assert _area_m2(commune.geometry) == pytest.approx(1_000_000, rel=1e-6)


def test_bow_tie_polygon_is_repaired_into_two_triangles():
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[4.40, 50.80], [4.42, 50.82], [4.42, 50.80], [4.40, 50.82], [4.40, 50.80]]
        ],
    }
    commune, repaired = to_commune(_feature(bow_tie), WGS84)
    assert repaired
    assert commune.geometry.is_valid
    assert len(commune.geometry.geoms) == 2
    # Two triangles, each a quarter of the 0.02° square.
    assert commune.geometry.area == pytest.approx(0.02 * 0.02 / 2)
    assert commune.geometry.covers(shapely.Point(4.402, 50.81))
    assert not commune.geometry.covers(shapely.Point(4.41, 50.818))


def test_names_region_and_code_are_read_from_the_usual_properties():
    feature = {
        "properties": {"nis": "92094", "nom_fr": "Namur", "nom_nl": "Namen"},
        "geometry": box(4.8, 50.4, 4.9, 50.5).__geo_interface__,
    }
    commune, _ = to_commune(feature, WGS84)
    assert (commune.nis_code, commune.name_fr, commune.name_nl) == ("92094", "Namur", "Namen")
    assert commune.name_de is None
    assert commune.region_code == "03000"


def test_third_dimension_is_dropped():
    polygon = {
        "type": "Polygon",
        "coordinates": [[[4.4, 50.8, 10], [4.5, 50.8, 12], [4.5, 50.9, 11], [4.4, 50.8, 10]]],
    }
    commune, _ = to_commune(_feature(polygon), WGS84)
    assert not commune.geometry.has_z


@pytest.mark.parametrize(
    "props",
    [{}, {"nis_code": ""}, {"nis_code": "2104"}, {"nis_code": "210040"}, {"nis_code": "BXL01"}],
)
def test_feature_without_a_five_digit_nis_code_is_refused(props):
    feature = {"properties": props, "geometry": box(4.4, 50.8, 4.5, 50.9).__geo_interface__}
    with pytest.raises(BoundaryFileError, match="5-digit NIS code"):
        to_commune(feature, WGS84)


def test_projected_coordinates_declared_as_wgs84_are_refused_with_a_hint():
    lambert = box(150_000, 170_000, 151_000, 171_000).__geo_interface__
    with pytest.raises(BoundaryFileError, match="--crs EPSG:31370 or EPSG:3812") as excinfo:
        to_commune(_feature(lambert), WGS84)
    assert "not longitude/latitude" in str(excinfo.value)


def test_swapped_axes_are_refused_rather_than_imported_off_the_coast_of_somalia():
    lat_lon = box(50.8, 4.4, 50.9, 4.5).__geo_interface__
    with pytest.raises(BoundaryFileError, match="does not lie in Belgium"):
        to_commune(_feature(lat_lon), WGS84)


def test_wgs84_coordinates_read_as_lambert_are_refused():
    lon_lat = box(4.4, 50.8, 4.5, 50.9).__geo_interface__
    with pytest.raises(BoundaryFileError, match=r"read as EPSG:31370, it does not lie in Belgium"):
        to_commune(_feature(lon_lat), LAMBERT_72)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (None, "has no geometry"),
        ({"type": "Point", "coordinates": [4.4, 50.8]}, "has no polygon area"),
        ({"type": "Polygon", "coordinates": []}, "has no polygon area"),
        ({"type": "Polygon"}, "unreadable geometry"),
        ({"type": "Blob", "coordinates": [1, 2]}, "unreadable geometry"),
    ],
)
def test_feature_without_usable_polygons_is_refused(geometry, message):
    with pytest.raises(BoundaryFileError, match=message):
        to_commune(_feature(geometry), WGS84)


@pytest.mark.parametrize(
    ("name", "srid", "count"),
    [
        ("synthetic-communes-31370.geojson", LAMBERT_72, 3),
        ("synthetic-communes-3812.geojson", LAMBERT_2008, 2),
        ("synthetic-invalid-4326.geojson", WGS84, 2),
        ("synthetic-overlap-gap-31370.geojson", LAMBERT_72, 3),
    ],
)
def test_synthetic_fixtures_declare_their_crs(name, srid, count):
    source = read_boundary_file(FIXTURES / name)
    assert (source.srid, len(source.features)) == (srid, count)
    assert len(source.sha256) == 64
    communes = [to_commune(f, source.srid)[0] for f in source.features]
    assert all(c.geometry.is_valid for c in communes)


def test_crs_option_wins_over_the_file(tmp_path):
    doc = json.loads((FIXTURES / "synthetic-communes-3812.geojson").read_text())
    del doc["crs"]
    path = tmp_path / "undeclared.geojson"
    path.write_text(json.dumps(doc))
    # Without a declaration GeoJSON means WGS84, and these metres cannot be that.
    with pytest.raises(BoundaryFileError, match="not longitude/latitude"):
        to_commune(read_boundary_file(path).features[0], WGS84)
    assert read_boundary_file(path, "EPSG:3812").srid == LAMBERT_2008


def _write_ogr(path, driver):
    squares = [box(150_000, 170_000, 151_000, 171_000), box(151_000, 170_000, 152_000, 171_000)]
    pyogrio.raw.write(
        path,
        geometry=np.array([shapely.to_wkb(s) for s in squares], dtype=object),
        field_data=[np.array(["99001", "99002"], dtype=object), np.array(["Ouest", "Est"])],
        fields=["nis_code", "name_fr"],
        crs="EPSG:31370",
        geometry_type="Polygon",
        driver=driver,
    )


@pytest.mark.parametrize(("suffix", "driver"), [("gpkg", "GPKG"), ("shp", "ESRI Shapefile")])
def test_geopackage_and_shapefile_are_read_with_their_crs(tmp_path, suffix, driver):
    path = tmp_path / f"communes.{suffix}"
    _write_ogr(path, driver)
    source = read_boundary_file(path)
    assert source.srid == LAMBERT_72
    communes = [to_commune(f, source.srid)[0] for f in source.features]
    assert [(c.nis_code, c.name_fr) for c in communes] == [("99001", "Ouest"), ("99002", "Est")]
    assert _area_m2(communes[0].geometry) == pytest.approx(1_000_000, rel=1e-3)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.geojson", b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        ("latin1.geojson", b'{"name": "Li\xe8ge"}', "not valid JSON"),
        ("list.geojson", b"[1, 2, 3]", "not a GeoJSON FeatureCollection"),
        ("point.geojson", b'{"type": "Point", "coordinates": [4, 50]}', "not a GeoJSON"),
        ("empty.geojson", b'{"type": "FeatureCollection", "features": []}', "holds no features"),
        ("garbage.gpkg", b"this is not a GeoPackage", "cannot be read"),
    ],
)
def test_unreadable_files_raise_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BoundaryFileError, match=message):
        read_boundary_file(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(BoundaryFileError, match="no such file"):
        read_boundary_file(tmp_path / "nowhere.geojson")


def test_unsupported_declared_crs_is_refused(tmp_path):
    path = tmp_path / "mercator.geojson"
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
        "features": [_feature(box(484_000, 6_590_000, 485_000, 6_591_000).__geo_interface__)],
    }
    path.write_text(json.dumps(doc))
    with pytest.raises(UnsupportedCRSError, match="EPSG:3857"):
        read_boundary_file(path)
