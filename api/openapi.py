"""The OpenAPI document as the service really answers (issue 17 item 12).

FastAPI documents each operation's success and its 422; the answers that come from `api/errors.py`
(401 without a valid token, 403 for a role that may not, 404 for an unknown id or another team's, 409 for
a state or a clash, 400 for a body that is not JSON, 413 for a body over the limit) are added here by
what an operation is: every operation that needs a token may answer 401, and 403 unless it is on the
signed-in user's own account; one that names an id (in the path, a query `…_id` or the body) 404; one
that changes something named by an id, or one's own account, 409; one with a body 400 and 413. Each is
an `Error` (`{"detail": "…"}`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"type": "string", "title": "Detail"}},
    "required": ["detail"],
}
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
DESCRIPTIONS = {
    "401": "No token, or an unknown, expired or revoked one (`WWW-Authenticate: Bearer`).",
    "403": "Your role may not do this in this team (staff: only your own wishes, picks and agreements).",
    "400": "The body is not readable JSON (not UTF-8, or cut off).",
    "404": "No such id (in the path, the query or the body), or one of another team (the same answer, so "
    "ids reveal nothing).",
    "409": "The state does not allow it, or it clashes with stored data (the detail says which).",
    "413": "The request body is larger than 1 MiB.",
}
_CHANGES = {"post", "put", "patch", "delete"}


# Operations on the signed-in user's own account: any role may, and there is no id to miss.
_OWN = ("/me", "/sign-out")


def _errors_of(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    codes = []
    names_an_id = (
        "{" in path
        or "requestBody" in operation
        or any(str(p.get("name", "")).endswith("_id") for p in operation.get("parameters", []))
    )
    if operation.get("security"):
        codes.append("401")
        if not path.startswith(_OWN):
            codes.append("403")
    if names_an_id and not path.startswith(_OWN):
        codes.append("404")
    if method in _CHANGES and operation.get("security") and (names_an_id or path.startswith("/me")):
        codes.append("409")
    if "requestBody" in operation:
        codes += ["400", "413"]
    return codes


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with the error answers added (built once, then cached by FastAPI)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _errors_of(path, method, operation):
                responses.setdefault(code, {"description": DESCRIPTIONS[code], "content": _ERROR})
    app.openapi_schema = schema
    return schema


def install(app: FastAPI) -> None:
    app.openapi = lambda: document(app)  # type: ignore[method-assign]
