"""Unit tests of the pure helpers of scripts/localdb.py; no server is started here."""

import importlib.util
from pathlib import Path

import pytest

# The module is loaded from its file rather than through the `app` package, which checks that
# it stands alone the way the Makefile runs it (before Flask and friends are installed).
_PATH = Path(__file__).resolve().parents[2] / "scripts" / "localdb.py"
_spec = importlib.util.spec_from_file_location("localdb_under_test", _PATH)
localdb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(localdb)


def test_url_uses_absolute_socket_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert localdb.url("pave", Path("var/pg/run")) == (
        f"postgresql+psycopg://postgres@/pave?host={tmp_path}/var/pg/run"
    )
    assert localdb.url() == (f"postgresql+psycopg://postgres@/pave?host={localdb.ROOT}/var/pg/run")


def test_url_quotes_unusual_characters():
    assert (
        localdb.url("t", Path("/a b/c&d")) == "postgresql+psycopg://postgres@/t?host=/a%20b/c%26d"
    )


def test_dirs_missing_search_bit_lists_untraversable_dirs_outermost_first(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"
    c.mkdir(parents=True)
    tmp_path.chmod(0o755)
    a.chmod(0o700)
    b.chmod(0o751)
    c.chmod(0o750)
    missing = localdb.dirs_missing_search_bit(c)
    # Ancestors of tmp_path (e.g. pytest's own 0700 base directory) may appear too.
    assert [p for p in missing if p.is_relative_to(tmp_path)] == [a, c]
    assert missing == sorted(missing, key=lambda p: len(p.parts))


def test_conf_text_listens_on_the_socket_only():
    text = localdb.conf_text(Path("/x/it's/run"))
    assert "listen_addresses = ''\n" in text
    assert "unix_socket_directories = '/x/it''s/run'\n" in text


@pytest.mark.parametrize("name", ["pave", "test_pave_1", "_x"])
def test_check_dbname_accepts_identifiers(name):
    assert localdb.check_dbname(name) == name


@pytest.mark.parametrize("name", ["", "1abc", 'x"; drop', "a-b", "x" * 64])
def test_check_dbname_rejects_the_rest(name):
    with pytest.raises(ValueError):
        localdb.check_dbname(name)
