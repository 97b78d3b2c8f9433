"""Limits of a request (issue 17), as pure ASGI middlewares: the size of its body, and how many requests
are handled at once.

The biggest body a real client sends is a team's set-up or a problem's worth of JSON (the Uldum example:
36 KB); `MAX_BODY_BYTES` is far above that. A larger body is refused with 413 before the application
reads it when the client says its length (`Content-Length`), and as soon as it passes the limit when the
body comes in chunks — nothing of it is stored either way.
"""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024


class _TooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._refuse(send)
            return
        received = 0
        too_large = False  # the app may turn the error below into its own answer (FastAPI: a 400)
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal refused
            if not too_large:
                await send(message)
            elif not refused:  # the app's answer to the cut-off body is replaced by the 413
                refused = True
                await self._refuse(send)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            if not refused:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        detail = f"the request body is larger than {self.max_bytes} bytes"
        body = json.dumps({"detail": detail}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


# Requests of one process handled at once; the others wait, holding nothing, until one has finished.
# A sync route runs in one of AnyIO's 40 threads and keeps its database connection until its answer is
# written, which (the response's serialisation) needs a thread again: beyond 40 at once, every thread
# could wait for a connection held by a request that waits for a thread (on PostgreSQL, whose pool has
# 40 connections: a pool time-out and 500s after 30 s). Admitting 40 at a time keeps connections, threads
# and requests in step; the wait is the same queue a busy server has anyway, only in the right place.
MAX_IN_FLIGHT = 40
_UNLIMITED_PREFIXES = ("/static/", "/health")


class InFlightLimit:
    def __init__(self, app: ASGIApp, limit: int = MAX_IN_FLIGHT) -> None:
        self.app = app
        self.limit = limit
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_UNLIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        if self._slots is None:  # made in the running event loop
            self._slots = asyncio.Semaphore(self.limit)
        async with self._slots:
            await self.app(scope, receive, send)
