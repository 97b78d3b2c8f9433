"""A real browser against a real server: uvicorn on 127.0.0.1 (a free port, in a thread) serving the app
on an SQLite file with the process-based solve queue, and Debian's Chromium driven by Playwright.

Playwright's own browser download needs the internet, so `chromium()` launches the `chromium` command
(`.ci/run` installs the Debian package). Without it the browser tests are skipped, except where
`PUSLEPLAN_REQUIRE_BROWSER=1` (CI) makes that a failure. The browser tests share one Chromium (the
`browser` fixture); the web page benchmark (`tests/benchmarks/web_pages.py`) starts its own.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine

from api.main import create_app

# The flags of a headless Chromium on a machine with no network and no GPU: no background connections
# (they are refused here and slow the start), no sandbox (CI runs as root).
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_required() -> bool:
    return os.environ.get("PUSLEPLAN_REQUIRE_BROWSER") == "1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def live_server(engine: Engine, *, outbox_worker: bool | None = None) -> Iterator[str]:
    """The service on `engine` (a file database: the solve processes open it too) at the URL yielded.
    `outbox_worker=False`: no sending thread, so a test's own `outbox.run_once` rounds send everything
    (and it knows when)."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(engine, outbox_worker=outbox_worker),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (Playwright `Browser`)."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("no chromium command (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def shared_chromium() -> Iterator[Any]:
    """One Chromium for every browser test of the run (a launch takes one to two seconds here); each test
    works in contexts of its own (`browser`)."""
    with chromium() as browser:
        yield browser


@pytest.fixture
def browser(shared_chromium: Any) -> Iterator[Any]:
    """The run's Chromium for one test, which opens its own contexts (cookies, storage and pages of their
    own, as a fresh browser's); any the test leaves open are closed after it."""
    yield shared_chromium
    for context in shared_chromium.contexts:
        context.close()


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    """Sign in through the form, as a person does (fields found by their labels, in either language)."""
    page.goto(f"{base}/web/sign-in")
    page.get_by_label(re.compile("Brugernavn|Username")).fill(username)
    page.get_by_label(re.compile("Adgangskode|Password")).fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/web/(me|periods)$"))
