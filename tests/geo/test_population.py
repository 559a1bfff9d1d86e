"""`flask population load`: Statbel's population per commune, its date, and every refusal."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text

from tests.helpers.databases import POPULATION_FILE

HEADER = "nis_code,population_2021_01_01\n"
TOTALS_SQL = text(
    "SELECT count(*), sum(population), min(reference_date), max(reference_date), "
    "min(source), max(source) FROM commune_populations"
)


def run(app, *args):
    return app.test_cli_runner().invoke(args=["population", "load", *args])


def totals(session):
    return tuple(session.execute(TOTALS_SQL).one())


def test_the_session_database_holds_statbel_s_2020_population(session):
    # Loaded by the test set-up, as `make db` does: every commune of 2025, Belgium's total.
    assert totals(session) == (
        565,
        11_492_641,
        dt.date(2020, 1, 1),
        dt.date(2020, 1, 1),
        "Statbel",
        "Statbel",
    )


def test_loading_the_default_file_again_changes_nothing(app, session):
    before = session.execute(text("SELECT nis_code, population FROM commune_populations")).all()

    result = run(app)

    assert result.exit_code == 0, result.output
    assert "565 communes loaded: 11,492,641 inhabitants on 2020-01-01 (Statbel)." in result.output
    after = session.execute(text("SELECT nis_code, population FROM commune_populations")).all()
    assert sorted(after) == sorted(before)


def test_a_newer_file_replaces_every_population_and_takes_its_date(app, session, tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text(HEADER + "21004,190000\n92094,113000\n")

    result = run(app, str(path), "--source", "Statbel (test)")

    assert result.exit_code == 0, result.output
    assert totals(session) == (
        2,
        303_000,
        dt.date(2021, 1, 1),
        dt.date(2021, 1, 1),
        "Statbel (test)",
        "Statbel (test)",
    )
    assert "563 current commune(s) have no population" in result.output
    # The dashboard's outlines carry the new population, made once for every process.
    stored = session.execute(text("SELECT body FROM commune_outline_files")).scalars().all()
    assert len(stored) == 1
    features = {f["id"]: f["properties"] for f in json.loads(bytes(stored[0]))["features"]}
    assert (features["21004"]["population"], features["21009"]["population"]) == (190_000, None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("nis,population_2020_01_01\n21004,1\n", "line 1 is 'nis,population_2020_01_01'"),
        ("nis_code,inhabitants\n21004,1\n", "column 'inhabitants' is not the header"),
        ("nis_code,population_2020_13_01\n21004,1\n", "is no date"),
        (HEADER + "21004,many\n", "line 2: population 'many' of 21004 is not a whole number"),
        (HEADER + "21004,12.5\n", "line 2: population '12.5' of 21004 is not a whole number"),
        (HEADER + "21004,1\n92094,-3\n", "line 3: population -3 of 92094 is negative"),
        (HEADER + "21004,\u0661\u0662\u0663\n", "line 2: population '١٢٣' of 21004 is not a whole"),
        (HEADER + "21004,100000000000000000000\n", "21004 is more than Belgium has"),
        (HEADER + "2104,1\n", "line 2: NIS code '2104' is not 5 digits"),
        (HEADER + "21004,1\n21004,2\n", "line 3: NIS code 21004 is listed twice"),
        (HEADER + "21004,1,2\n", "line 2: has 3 fields, not 2"),
        (HEADER, "no commune is listed"),
    ],
)
def test_a_bad_file_is_refused_saying_what_and_nothing_changes(
    app, session, tmp_path, content, message
):
    before = totals(session)
    path = tmp_path / "pop.csv"
    path.write_text(content)

    result = run(app, str(path))

    assert result.exit_code == 1
    assert result.output.startswith("Error: pop.csv: ")
    assert message in result.output
    assert totals(session) == before


def test_a_field_too_long_for_a_csv_file_is_refused_not_a_traceback(app, session, tmp_path):
    before = totals(session)
    path = tmp_path / "pop.csv"
    path.write_text(HEADER + "21004," + "9" * 200_000 + "\n")

    result = run(app, str(path))

    assert result.exit_code == 1
    assert "cannot be read: field larger than field limit" in result.output
    assert "Traceback" not in result.output
    assert totals(session) == before


def test_every_bad_line_is_counted(app, tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text(HEADER + "".join(f"2100{i},x\n" for i in range(8)))

    result = run(app, str(path))

    assert result.exit_code == 1
    assert "8 bad line(s), nothing loaded: line 2:" in result.output
    assert "and 3 more" in result.output


def test_a_missing_file_is_refused(app, tmp_path):
    result = run(app, str(tmp_path / "nowhere.csv"))

    assert result.exit_code == 1
    assert "nowhere.csv: cannot be read" in result.output
    assert "No such file" in result.output


def test_codes_of_other_boundaries_refuse_the_file_unless_skipped(app, session, tmp_path):
    # 11007 Borsbeek and 11056 Zwijndrecht are communes of 2019, merged on 1 January 2025.
    path = tmp_path / "pop.csv"
    path.write_text(HEADER + "11002,530000\n11007,10000\n11056,19000\n")
    before = totals(session)

    refused = run(app, str(path))

    assert refused.exit_code == 1
    assert "2 NIS code(s) are no commune of the current boundaries (11007, 11056)" in (
        refused.output
    )
    assert totals(session) == before

    skipped = run(app, str(path), "--skip-unknown")

    assert skipped.exit_code == 0, skipped.output
    assert "2 code(s) skipped, no current commune: 11007, 11056" in skipped.output
    assert totals(session)[:2] == (1, 530_000)


def test_the_default_file_is_the_setting(app, tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text(HEADER + "21004,190000\n")
    app.config["POPULATION_FILE"] = str(path)

    result = run(app)

    assert result.exit_code == 0, result.output
    assert "1 communes loaded: 190,000 inhabitants on 2021-01-01 (Statbel)." in result.output
    assert POPULATION_FILE.endswith("be-population-2020-by-2025-commune.csv")
