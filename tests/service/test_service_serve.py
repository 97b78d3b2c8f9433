"""`pusleplan serve` as documented: the real command in its own process migrates the database and
answers; it hands uvicorn the application by name, so `planner` imports nothing of `api`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from service.helpers import fresh_database

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def health(port: int, deadline: float) -> dict[str, str]:
    """The body of `/health` once the server answers (it polls until `deadline`)."""
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                return dict(json.load(response))
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_migrates_and_answers(tmp_path: Path, workers: int) -> None:
    port = free_port()
    with fresh_database(tmp_path) as url:
        env = {**os.environ, "DATABASE_URL": url}
        argv = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers)]
        argv.append("--create-database")  # a new empty SQLite file (ignored on a database server)
        with subprocess.Popen(
            [*argv, "--log-level", "warning"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        ) as server:
            try:
                body = health(port, time.monotonic() + 60)
            finally:
                server.send_signal(signal.SIGINT)
                _, err = server.communicate(timeout=30)
        assert body["status"] == "ok" and body["database"] == "ok", err
        assert "Traceback" not in err.decode()
