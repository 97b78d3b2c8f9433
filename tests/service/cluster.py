"""A small pusleplan cluster for the tests: a real Redis broker, `pusleplan worker` processes and
`pusleplan serve` processes (PUSLEPLAN_QUEUE=celery) on the test database.

The broker is `$PUSLEPLAN_TEST_BROKER_URL` (CI starts one: `.ci/run`), else a `redis-server` started here
on a free port; without the `redis-server` command the cluster tests are skipped, except under
`PUSLEPLAN_REQUIRE_REDIS=1` (CI), where that is a failure. Every process runs this checkout's code
(`PYTHONPATH`), with short heartbeat and stale times so that a lost worker is noticed in seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
BROKER_ENV = "PUSLEPLAN_TEST_BROKER_URL"
HEARTBEAT, STALE = 1.0, 8.0  # seconds: a worker killed mid-solve is noticed within about 9 s (and a slow
# machine's heartbeats, a second late, are not taken for a lost worker)


def redis_required() -> bool:
    return os.environ.get("PUSLEPLAN_REQUIRE_REDIS") == "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


@contextmanager
def broker(directory: Path) -> Iterator[str]:
    """The URL of an empty Redis database to use as the broker."""
    given = os.environ.get(BROKER_ENV)
    if given:
        _flush(given)
        yield given
        return
    binary = shutil.which("redis-server")
    if binary is None:
        message = "no redis-server command (Debian: apt-get install redis-server)"
        if redis_required():
            pytest.fail(message + " — PUSLEPLAN_REQUIRE_REDIS=1 requires it")
        pytest.skip(message)
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    command += ["--dir", str(directory)]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as server:
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 20
        while True:
            try:
                _flush(url)
                break
            except Exception:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        try:
            yield url
        finally:
            server.terminate()
            server.wait(10)


@dataclass
class Api:
    """One `pusleplan serve` process."""

    process: subprocess.Popen[bytes]
    port: int
    tokens: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, user: str | None = None, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if user is not None:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=data, method=method, headers=headers
        )
        with urllib.request.urlopen(req, timeout=30) as response:
            return json.load(response)

    def token(self, user: str) -> str:
        if user not in self.tokens:
            form = urllib.parse.urlencode({"username": user, "password": PASSWORD}).encode()
            req = urllib.request.Request(f"http://127.0.0.1:{self.port}/token", data=form, method="POST")
            with urllib.request.urlopen(req, timeout=30) as response:
                self.tokens[user] = json.load(response)["access_token"]
        return self.tokens[user]


PASSWORD = "correct horse battery"


class Cluster:
    """Worker and server processes on `database_url` and `broker_url`; all stopped by `close`."""

    def __init__(
        self, directory: Path, database_url: str, broker_url: str, settings: dict[str, str] | None = None
    ) -> None:
        self.directory = directory
        self.env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "DATABASE_URL": database_url,
            "PUSLEPLAN_QUEUE": "celery",
            "PUSLEPLAN_BROKER_URL": broker_url,
            "PUSLEPLAN_MIGRATE_ON_START": "0",
            "PUSLEPLAN_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT),
            "PUSLEPLAN_JOB_STALE_SECONDS": str(STALE),
            "PUSLEPLAN_JOB_MAX_ATTEMPTS": "2",
            **(settings or {}),
        }
        self.workers: list[subprocess.Popen[bytes]] = []
        self.apis: list[Api] = []
        self.logs: list[Path] = []

    def _start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = self.directory / f"{name}-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "api.cli", *argv], cwd=REPO, env=self.env, stdout=out, stderr=out
            )

    def start_workers(self, count: int) -> None:
        started = [
            (self._start("worker", ["worker", "--loglevel", "info"]), self.logs[-1]) for _ in range(count)
        ]
        deadline = time.monotonic() + 60
        for process, log in started:
            while b" ready." not in log.read_bytes():
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"the worker did not start: {log.read_text()}"
                time.sleep(0.1)
            self.workers.append(process)

    def start_api(self, port: int | None = None) -> Api:
        port = port or free_port()
        process = self._start("api", ["serve", "--port", str(port), "--log-level", "warning"])
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except (urllib.error.URLError, OSError):  # not up yet, or too slow to answer (a loaded machine)
                assert process.poll() is None, self.logs[-1].read_text()
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.1)
        api = Api(process, port)
        self.apis.append(api)
        return api

    def kill_api(self, api: Api) -> None:
        api.process.send_signal(signal.SIGKILL)
        api.process.wait(10)
        self.apis.remove(api)

    def close(self) -> None:
        for api in self.apis:
            api.process.send_signal(signal.SIGINT)
        for worker in self.workers:
            worker.send_signal(signal.SIGTERM)  # warm shutdown: the solves running end first
        for process in [a.process for a in self.apis] + self.workers:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        _kill_orphans(self.env["PUSLEPLAN_BROKER_URL"])

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(
            f"== {log.name}\n" + "\n".join(log.read_text().splitlines()[-lines:]) for log in self.logs
        )


def _kill_orphans(broker_url: str) -> None:
    """A worker's pool processes end with it; none may outlive a test run (they would keep solving). Only
    this cluster's processes: `python -m api.cli …` with its broker in their environment."""
    mark = f"PUSLEPLAN_BROKER_URL={broker_url}".encode()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            ours = mark in (proc / "environ").read_bytes().split(b"\0")
            ours = ours and b"api.cli" in (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if ours and int(proc.name) != os.getpid():
            with suppress(OSError):
                os.kill(int(proc.name), signal.SIGKILL)
