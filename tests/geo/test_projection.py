"""Coordinate systems: names map to SRIDs, and points survive the trip to Lambert and back."""

from __future__ import annotations

import pytest

from app.geo.projection import (
    LAMBERT_72,
    LAMBERT_2008,
    WGS84,
    UnsupportedCRSError,
    srid_of,
    to_lambert_2008,
    transformer,
)

GRAND_PLACE = (4.35222, 50.84675)
NAMUR_CITADEL = (4.8620, 50.4594)
OSTEND = (2.9186, 51.2300)
ARLON = (5.8167, 49.6833)
PLACES = [GRAND_PLACE, NAMUR_CITADEL, OSTEND, ARLON]


@pytest.mark.parametrize(
    ("name", "srid"),
    [
        ("EPSG:4326", WGS84),
        ("epsg:4326", WGS84),
        # GeoJSON's own CRS (longitude first), as the 2019 boundary file declares it.
        ("urn:ogc:def:crs:OGC:1.3:CRS84", WGS84),
        ("OGC:CRS84", WGS84),
        ("urn:ogc:def:crs:EPSG::4326", WGS84),
        ("EPSG:31370", LAMBERT_72),
        ("urn:ogc:def:crs:EPSG::31370", LAMBERT_72),
        ("http://www.opengis.net/def/crs/EPSG/0/31370", LAMBERT_72),
        ("EPSG:3812", LAMBERT_2008),
        ("urn:ogc:def:crs:EPSG::3812", LAMBERT_2008),
    ],
)
def test_crs_names_map_to_srids(name, srid):
    assert srid_of(name) == srid


@pytest.mark.parametrize(
    "name",
    [
        "EPSG:3857",  # Web Mercator: a real CRS, but not one boundary files come in
        "EPSG:2154",  # French Lambert 93
        "urn:ogc:def:crs:EPSG::25831",
        "not a crs",
        "",
    ],
)
def test_unsupported_crs_is_refused_with_its_name(name):
    with pytest.raises(UnsupportedCRSError) as excinfo:
        srid_of(name)
    assert repr(name) in str(excinfo.value)


def test_lambert_2008_natural_origin_lands_on_its_false_origin():
    # EPSG:3812 puts 4°21'33.177" E, 50°47'52.134" N at (649328, 665262) metres.
    x, y = to_lambert_2008(4 + 21 / 60 + 33.177 / 3600, 50 + 47 / 60 + 52.134 / 3600)
    assert x == pytest.approx(649328.0, abs=0.01)
    assert y == pytest.approx(665262.0, abs=0.01)


def test_grand_place_in_both_lambert_systems():
    x72, y72 = transformer(WGS84, LAMBERT_72).transform(*GRAND_PLACE)
    x08, y08 = transformer(WGS84, LAMBERT_2008).transform(*GRAND_PLACE)
    # Brussels' centre sits about 150 km east and 170 km north of Lambert 72's false origin.
    assert 148_000 < x72 < 150_000
    assert 170_000 < y72 < 171_500
    # Lambert 2008 was designed so that its coordinates are Lambert 72's plus about 500 km.
    assert x08 - x72 == pytest.approx(500_000, abs=2)
    assert y08 - y72 == pytest.approx(500_000, abs=2)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("srid", [LAMBERT_72, LAMBERT_2008])
def test_round_trip_through_lambert_keeps_the_point(place, srid):
    x, y = transformer(WGS84, srid).transform(*place)
    lon, lat = transformer(srid, WGS84).transform(x, y)
    # 1e-8 degrees is about a millimetre.
    assert lon == pytest.approx(place[0], abs=1e-8)
    assert lat == pytest.approx(place[1], abs=1e-8)


@pytest.mark.parametrize("place", PLACES)
def test_lambert_72_to_2008_and_back(place):
    x72, y72 = transformer(WGS84, LAMBERT_72).transform(*place)
    x08, y08 = transformer(LAMBERT_72, LAMBERT_2008).transform(x72, y72)
    back = transformer(LAMBERT_2008, LAMBERT_72).transform(x08, y08)
    assert back == pytest.approx((x72, y72), abs=0.001)
    assert (x08, y08) == pytest.approx(transformer(WGS84, LAMBERT_2008).transform(*place), abs=0.01)


def test_transformers_take_longitude_first():
    # always_xy: a Belgian point given as (lon, lat) lands in Belgium, not in the Indian Ocean.
    x, y = to_lambert_2008(*GRAND_PLACE)
    assert 500_000 < x < 800_000
    assert 500_000 < y < 800_000
