"""SECRET_KEY: from the environment, or made once for development and kept private."""

from __future__ import annotations

import stat

from app.config import Config, development_secret_key


def test_development_key_is_made_once_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "var" / "secret_key"

    first = development_secret_key(path)
    second = development_secret_key(path)

    assert first == second and len(first) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path], "no scratch file left behind"


def test_environment_key_wins_and_no_file_is_made(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "secret_key"))

    settings = Config.from_env()

    assert settings["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_session_cookie_is_secure_unless_turned_off(monkeypatch):
    assert Config.from_env()["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "false")
    assert Config.from_env()["SESSION_COOKIE_SECURE"] is False
