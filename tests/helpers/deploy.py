"""The reference deployment, run for real: gunicorn with deploy/gunicorn.conf.py, and Debian's
nginx with deploy/nginx/pave.conf in front of it, both on free local ports.

The site file is used as it is, with its placeholders (ports, paths, certificate files)
replaced by the test's own: `site_config` refuses a file in which one of them is missing, so
a change to the file that the test would no longer exercise fails loudly. nginx runs in the
foreground with everything (pid, temporary files, logs) under a temporary prefix.
"""

from __future__ import annotations

import os
import pwd
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.helpers.servers import ROOT, free_port

DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "pave.conf"
NGINX = "/usr/sbin/nginx"
MIME_TYPES = "/etc/nginx/mime.types"
# The placeholder host of the site file; the test keeps it (the certificate names it too).
HOST = "pave.example.be"


@dataclass(frozen=True)
class Ports:
    app: int
    http: int
    https: int


def _replace(text: str, old: str, new: str) -> str:
    if old not in text:
        raise AssertionError(
            f"{SITE.name} no longer contains {old!r}: update tests/helpers/deploy.py"
        )
    return text.replace(old, new)


def site_config(ports: Ports, prefix: Path) -> str:
    """deploy/nginx/pave.conf for this test: its ports, paths and certificate."""
    text = SITE.read_text()
    text = _replace(text, "server 127.0.0.1:8000;", f"server 127.0.0.1:{ports.app};")
    text = _replace(text, "    listen [::]:80;\n", "")
    text = _replace(text, "    listen [::]:443 ssl http2;\n", "")
    text = _replace(text, "listen 80;", f"listen 127.0.0.1:{ports.http};")
    text = _replace(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{ports.https} ssl http2;")
    text = _replace(text, f"/etc/letsencrypt/live/{HOST}/", f"{prefix}/tls/")
    text = _replace(text, "root /var/www/html;", f"root {prefix / 'acme'};")
    text = _replace(text, "/var/log/nginx/", f"{prefix}/logs/")
    return _replace(text, "root /srv/pave/pwa/dist;", f"root {ROOT / 'pwa' / 'dist'};")


def main_config(prefix: Path) -> str:
    """nginx.conf around the site, as Debian's includes it (inside http {}), all in `prefix`.

    As root (CI), nginx's workers would become `nobody`, who cannot read a temporary prefix:
    they keep the test's own user instead (a user directive is ignored otherwise)."""
    user = pwd.getpwuid(os.geteuid()).pw_name
    temp = "\n".join(
        f"    {kind}_temp_path {prefix}/tmp/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
user {user};
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log {prefix}/logs/default.access.log;
{temp}
    include {prefix}/pave.conf;
}}
"""


def self_signed_certificate(directory: Path) -> Path:
    """A certificate for HOST and 127.0.0.1 (fullchain.pem, privkey.pem), made by openssl."""
    directory.mkdir(parents=True, exist_ok=True)
    certificate = directory / "fullchain.pem"
    names = f"subjectAltName=DNS:{HOST},IP:127.0.0.1"
    key = str(directory / "privkey.pem")
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
    subject = ["-subj", f"/CN={HOST}", "-addext", names]
    subprocess.run(
        ["openssl", *request, *subject, "-keyout", key, "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    return certificate


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _stop(process: subprocess.Popen, signum: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(signum)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def nginx(ports: Ports, prefix: Path) -> Iterator[Path]:
    """Debian's nginx serving the site on ports.http and ports.https; yields its prefix."""
    for name in ("logs", "tmp", "acme"):
        (prefix / name).mkdir(parents=True, exist_ok=True)
    self_signed_certificate(prefix / "tls")
    (prefix / "pave.conf").write_text(site_config(ports, prefix))
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(prefix))
    command = [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "logs/error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not (_listening(ports.http) and _listening(ports.https)):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (prefix / "logs/error.log").read_text()
                raise RuntimeError(f"nginx did not start: {log}")
            time.sleep(0.1)
        yield prefix
    finally:
        # SIGQUIT: a graceful stop, requests in flight finished.
        _stop(process, signal.SIGQUIT)


@contextmanager
def gunicorn(settings: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn with deploy/gunicorn.conf.py and `settings` as its environment (PORT among
    them), its output in `log`; yields its base URL once the app answers."""
    env = {**os.environ, **settings}
    command = [str(ROOT / ".venv/bin/gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py")]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{settings['PORT']}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/v1/health", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield base
    finally:
        _stop(process)


def client(ports: Ports, prefix: Path, address: str = "127.0.0.1") -> httpx.Client:
    """An HTTPS client of the site as HOST, trusting the test's certificate, whose
    connections leave from `address` (any of 127.0.0.0/8 on Linux): to nginx, a client of
    its own address."""
    trusted = ssl.create_default_context(cafile=str(prefix / "tls" / "fullchain.pem"))
    return httpx.Client(
        base_url=f"https://127.0.0.1:{ports.https}",
        headers={"Host": HOST},
        transport=httpx.HTTPTransport(local_address=address, verify=trusted),
        timeout=30,
    )


def ports() -> Ports:
    return Ports(app=free_port(), http=free_port(), https=free_port())
