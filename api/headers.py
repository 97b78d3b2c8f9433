"""The security headers of every answer (issue 17 item 10), as a pure ASGI middleware.

- `Content-Security-Policy`: everything from the service itself and nothing else — no inline or
  evaluated script (htmx runs with `allowEval` off and its indicator styles in `pusleplan.css`), no
  plug-ins, no framing (`frame-ancestors 'none'`, and `X-Frame-Options` for old browsers), forms post only
  here. Pico's icons are `data:` images in its CSS.
- `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` (a rota's URL names no one, but links
  out need not carry it), `Cross-Origin-Opener-Policy`, and a `Permissions-Policy` that turns off the
  phone features no page uses.
- `Cache-Control: no-store` on every answer that is not a static file and has not set its own: pages,
  personal data (wishes, rotas, exports) and the sign-in token are never kept by a browser or a proxy
  (a shared care-office PC).
- `Strict-Transport-Security` only when the request came over TLS (uvicorn's `--proxy-headers` behind a
  reverse proxy that terminates it): over plain HTTP a browser ignores it and it would say something
  untrue.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"  # a year, as the HSTS preload list asks

_ALWAYS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
]
_CACHEABLE_PREFIXES = ("/static/",)


class SecurityHeaders:
    """Adds the headers above to every HTTP answer of `app` (a header the answer set itself wins)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(_ALWAYS)
        if not scope["path"].startswith(_CACHEABLE_PREFIXES):
            extra.append((b"cache-control", b"no-store"))
        if scope.get("scheme") == "https":
            extra.append((b"strict-transport-security", HSTS.encode()))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in extra if name not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
