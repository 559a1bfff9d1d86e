"""deploy/systemd/: the units an operator copies to /etc/systemd/system (docs/operations.md §1).

systemd-analyze (Debian's systemd package; `make deploy-tools`) verifies them with the
checkout in place of /srv/pave, so that every program they start must exist; it must say
nothing at all (it answers 0 even for an unknown key, and only warns). The units are also
read here: what they start exists in the checkout's layout and is a command the app has, they
restart on failure within limits, read /etc/pave/pave.env, run as pave with the hardening,
and the web server and the worker never depend on each other.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest

from tests.helpers.servers import ROOT

UNITS = ROOT / "deploy" / "systemd"
INSTALLED = "/srv/pave"
SERVICES = ("pave-web.service", "pave-worker.service", "pave-nightly.service")
HARDENING = {
    "NoNewPrivileges": "yes",
    "PrivateTmp": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
}


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit file's sections: each key with its values in order (ExecStart may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in (UNITS / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_systemd_analyze_verifies_the_units_without_a_word(tmp_path):
    for path in UNITS.iterdir():
        text = path.read_text().replace(INSTALLED, str(ROOT))
        (tmp_path / path.name).write_text(text)
    units = sorted(str(p) for p in tmp_path.iterdir())
    assert len(units) == 4
    checked = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True
    )
    assert (checked.returncode, checked.stderr, checked.stdout) == (0, "", "")


def test_systemd_analyze_would_catch_a_unit_that_starts_nothing(tmp_path):
    broken = (UNITS / "pave-web.service").read_text().replace(INSTALLED, str(tmp_path))
    (tmp_path / "pave-web.service").write_text(broken)
    checked = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / "pave-web.service")],
        capture_output=True,
        text=True,
    )
    assert "is not executable" in checked.stderr


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_runs_as_pave_with_its_settings_and_hardening(name):
    service = unit(name)["Service"]
    assert service["User"] == ["pave"] and service["Group"] == ["pave"]
    assert service["EnvironmentFile"] == ["/etc/pave/pave.env"]
    assert service["WorkingDirectory"] == [INSTALLED]
    for key, value in HARDENING.items():
        assert service[key] == [value], key
    for path in service["ReadWritePaths"]:
        assert path.startswith("/var/lib/pave/"), path


@pytest.mark.parametrize("name", SERVICES)
def test_what_each_service_starts_exists_in_the_checkout(name):
    service = unit(name)["Service"]
    for line in service["ExecStart"] + service.get("ExecStartPost", []):
        words = shlex.split(line)
        for word in words:
            if word.startswith(INSTALLED):
                assert (ROOT / Path(word).relative_to(INSTALLED)).exists(), word
        if Path(words[0]).name == "flask":
            # The very command, asked for its help: it exists in this version of the app.
            command = [str(ROOT / ".venv/bin/flask"), *words[1:], "--help"]
            helped = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            assert helped.returncode == 0, helped.stderr


def test_the_web_server_and_the_worker_restart_alone():
    for name in ("pave-web.service", "pave-worker.service"):
        sections = unit(name)
        assert sections["Service"]["Restart"] == ["on-failure"]
        assert int(sections["Unit"]["StartLimitBurst"][0]) > 1
        assert sections["Unit"]["StartLimitIntervalSec"]
        assert sections["Install"]["WantedBy"] == ["multi-user.target"]
        # Neither needs the other: a crash of one never stops the other.
        unit_links = ("Requires", "BindsTo", "PartOf", "Requisite")
        links = [value for key in unit_links for value in sections["Unit"].get(key, [])]
        assert not [v for v in links if "pave-" in v], name
    web = unit("pave-web.service")["Service"]
    assert web["ExecStart"] == [
        f"{INSTALLED}/.venv/bin/gunicorn --config {INSTALLED}/deploy/gunicorn.conf.py"
    ]
    assert "/api/v1/health/live" in web["ExecStartPost"][0]


def test_the_timer_runs_the_purge_then_the_snapshot_each_night():
    timer = unit("pave-nightly.timer")
    assert timer["Timer"]["OnCalendar"] == ["*-*-* 03:00:00 Europe/Brussels"]
    assert timer["Timer"]["Persistent"] == ["true"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]
    nightly = unit("pave-nightly.service")["Service"]
    assert nightly["Type"] == ["oneshot"]
    assert [shlex.split(line)[3:] for line in nightly["ExecStart"]] == [
        ["privacy", "purge"],
        ["opendata", "snapshot"],
    ]


def test_the_example_settings_leave_the_nightly_jobs_to_the_timer():
    settings = (ROOT / "deploy" / "pave.env.example").read_text().splitlines()
    assert "NIGHTLY_JOBS=timer" in settings
    assert "PROXY_COUNT=1" in settings
