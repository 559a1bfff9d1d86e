"""`flask backup create|restore` as an operator runs them: clear messages, never a password."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from sqlalchemy.engine import make_url

from app.config import ROOT
from tests.helpers.backup import stored_files, table_rows

# The local cluster trusts its socket, so any password gets in: one that must never show.
PASSWORD = "S3cret-pass-7781"


def flask(*args: str, url: str, photo_dir) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PHOTO_DIR": str(photo_dir),
        "PUBLIC_BASE_URL": "https://pave.example.be",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "backup", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip


def with_password(url: str) -> str:
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


def test_an_operator_backs_up_and_restores_from_the_command_line(source, empty_target, tmp_path):
    backup = tmp_path / "pave-2026-12-06"

    made = flask("create", str(backup), url=with_password(source.url), photo_dir=source.photo_dir)
    assert made.returncode == 0, made.stderr
    assert f"Backup written to {backup}: schema " in made.stdout
    assert ", 6 photo files." in made.stdout

    again = flask("create", str(backup), url=with_password(source.url), photo_dir=source.photo_dir)
    assert again.returncode == 1
    assert (
        f"Error: {backup} is not empty: a backup goes into a new or empty directory" in again.stderr
    )

    checked = flask("verify", str(backup), url="", photo_dir=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert f"{backup} is whole: " in checked.stdout
    assert "files match their SHA-256; made " in checked.stdout

    done = flask(
        "restore",
        str(backup),
        url=with_password(empty_target.url),
        photo_dir=empty_target.photo_dir,
    )
    assert done.returncode == 0, done.stderr
    assert f"Restored from {backup}: schema " in done.stdout
    assert table_rows(empty_target.engine) == table_rows(source.engine)
    assert stored_files(empty_target.photo_dir) == stored_files(source.photo_dir)

    refused = flask(
        "restore", str(backup), url=with_password(empty_target.url), photo_dir=tmp_path / "other"
    )
    assert refused.returncode == 1
    assert "Error: the target database is not empty" in refused.stderr
    assert "Traceback" not in refused.stderr
    for run in (made, again, checked, done, refused):
        assert PASSWORD not in run.stdout + run.stderr


def test_a_database_out_of_reach_is_said_so_without_its_password(tmp_path, source):
    url = make_url(source.url).set(database="no_such_database", password=PASSWORD)

    run = flask(
        "create",
        str(tmp_path / "b"),
        url=url.render_as_string(hide_password=False),
        photo_dir=tmp_path / "photos",
    )

    assert run.returncode == 1
    assert "Error: cannot connect to the database:" in run.stderr
    assert 'database "no_such_database" does not exist' in run.stderr
    assert PASSWORD not in run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_verify_names_the_damaged_file(backup, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    dump = damaged / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-1])

    run = flask("verify", str(damaged), url="", photo_dir=tmp_path)

    assert run.returncode == 1
    assert "Error: database.dump does not match its SHA-256 in manifest.json" in run.stderr


def test_without_a_database_url_the_command_says_what_to_set(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    run = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "backup", "create", str(tmp_path / "b")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip

    assert run.returncode == 1
    assert "Error: DATABASE_URL is not set" in run.stderr
    assert "Traceback" not in run.stderr
