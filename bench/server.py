"""The scale benchmark's web server (bench/scale.py): gunicorn on loopback, one checked GET."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's python runs the benchmark: its jifen and gunicorn
# Production's shape on two cores: two processes, four threads each.
GUNICORN = ["--workers", "2", "--threads", "4", "--worker-class", "gthread"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn serving bench.settings on a free loopback port, in its own process group so that
    stopping it takes the workers too — on success, failure or Ctrl-C alike (a context manager)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        command = [str(BIN / "gunicorn"), "jifen.wsgi:application", *GUNICORN,
                   "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
                   "--error-logfile", str(self.log)]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.base + "/bench/ceiling/", timeout=5):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.tail()}")

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect surfaces as an HTTPError: we want to see it, not follow it


def check_page(url: str, headers: dict[str, str]) -> bytes:
    """GET once: HTTP 200 and not a login form, or fail loudly — a benchmark of a redirect to the
    login page (or of a password form) measures nothing."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=120) as response:
            body = response.read()
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"GET {url}: HTTP {e.code} {e.headers.get('Location', '')}") from e
    if b'type="password"' in body:
        raise RuntimeError(f"GET {url}: answered with a password form (not logged in?)")
    return body
