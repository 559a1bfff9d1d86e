"""deploy/gunicorn.conf.py as gunicorn itself reads it (`gunicorn --print-config`): its
defaults, the settings it takes from the environment, a clear refusal of a bad one, and
`make run`'s own command line (the Procfile) on top of it."""

from __future__ import annotations

import multiprocessing
import os
import subprocess

from tests.helpers.servers import ROOT

CONF = ROOT / "deploy" / "gunicorn.conf.py"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
OURS = ("WORKERS", "THREADS", "PORT", "BIND", "FORWARDED_ALLOW_IPS")


def printed(command: list[str], **settings: str) -> dict[str, str]:
    """gunicorn's settings, as `--print-config` shows them, under `settings`."""
    env = {k: v for k, v in os.environ.items() if k not in OURS} | settings
    shown = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    pairs = (line.split("=", 1) for line in shown.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_the_defaults_suit_a_host_behind_nginx():
    config = printed([str(GUNICORN), "--print-config", "--config", str(CONF)])
    assert config["wsgi_app"] == "app.web:create_app()"
    assert config["bind"] == "['127.0.0.1:8000']"
    assert config["workers"] == str(2 * multiprocessing.cpu_count() + 1)
    assert config["threads"] == "4"
    assert (config["timeout"], config["graceful_timeout"]) == ("30", "30")
    assert (config["max_requests"], config["max_requests_jitter"]) == ("1000", "100")
    assert config["logger_class"] == "app.accesslog.TokenMaskingLogger"
    assert config["accesslog"] == "-"
    assert "%(h)s" not in config["access_log_format"]
    assert config["control_socket_disable"] == "True"
    assert config["forwarded_allow_ips"] == "['127.0.0.1', '::1']"


def test_the_environment_sets_port_workers_and_threads():
    command = [str(GUNICORN), "--print-config", "--config", str(CONF)]
    config = printed(command, PORT="8123", WORKERS="3", THREADS="2")
    assert (config["bind"], config["workers"], config["threads"]) == (
        "['127.0.0.1:8123']",
        "3",
        "2",
    )
    config = printed(command, BIND="unix:/run/pave-web/web.sock")
    assert config["bind"] == "['unix:/run/pave-web/web.sock']"


def test_a_bad_number_is_refused_in_words():
    for name, value, said in (
        ("WORKERS", "four", "a whole number"),
        ("THREADS", "0", "at least 1"),
    ):
        env = {k: v for k, v in os.environ.items() if k not in OURS} | {name: value}
        refused = subprocess.run(
            [str(GUNICORN), "--check-config", "--config", str(CONF)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert refused.returncode != 0
        assert f"{name} must be {said}, not" in refused.stderr


def test_make_run_keeps_its_own_workers_port_and_quick_stop():
    (line,) = [x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:")]
    command = line.removeprefix("web:").strip() + " --print-config"
    config = printed(["sh", "-c", command], PORT="8124", WORKERS="4")
    assert (config["bind"], config["workers"], config["threads"]) == (
        "['127.0.0.1:8124']",
        "4",
        "1",
    )
    assert config["graceful_timeout"] == "3"
    assert config["logger_class"] == "app.accesslog.TokenMaskingLogger"
