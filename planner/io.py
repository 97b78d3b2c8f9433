"""Reading problem files: pusleplan JSON, or a Curtois benchmark instance.

Every failure (missing file, bad encoding, malformed JSON, a field that breaks a rule of the schema, a
cross reference that points nowhere) becomes one `InputError` that names the field and the value.
No FastAPI, no database: just a path in and a `Problem` out.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from planner.errors import InputError
from solver.problem import Problem

CURTOIS_MARKER = "SECTION_HORIZON"
_VALUE_ERROR_PREFIX = "Value error, "
_MAX_VALUE_CHARS = 60


def load_problem(path: Path) -> Problem:
    """Read `path` as a Curtois benchmark file (it contains `SECTION_HORIZON`) or as pusleplan JSON."""
    text = read_text(path)
    if not text.strip():
        raise InputError(str(path), "empty file")
    if CURTOIS_MARKER in text:
        return _load_curtois(text, path)
    try:
        return Problem.model_validate_json(text)
    except ValidationError as exc:
        raise input_error(exc, source=str(path)) from None


def read_text(path: Path, *, encodings: tuple[str, ...] = ("utf-8-sig",)) -> str:
    """The file's text in the first of `encodings` that decodes it (a UTF-8 byte-order mark is dropped);
    any failure is an `InputError` naming the file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(str(path), exc.strerror or str(exc)) from None
    for encoding in encodings[:-1]:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        return data.decode(encodings[-1])
    except UnicodeDecodeError as exc:
        label = "UTF-8" if exc.encoding.startswith("utf") else exc.encoding
        raise InputError(str(path), f"not {label} text (byte {exc.start}: {exc.reason})") from None


def _load_curtois(text: str, path: Path) -> Problem:
    # Imported here: the Curtois reader is optional and large, and plain JSON needs none of it.
    try:
        from planner.importers.curtois import parse_curtois
    except ImportError:
        raise InputError(str(path), "Curtois benchmark files cannot be read by this version") from None
    try:
        return parse_curtois(text, path.stem, source=path.name)
    except InputError:
        raise
    except ValidationError as exc:
        raise input_error(exc, source=str(path)) from None
    except ValueError as exc:
        raise InputError(str(path), str(exc)) from None


def input_error(exc: ValidationError, *, source: str, rename: dict[str, str] | None = None) -> InputError:
    """One `InputError` for all the errors in `exc`: the first names the field, the others follow.

    `source` stands in for a field when an error concerns the whole input (malformed JSON, not an
    object); `rename` maps top-level field names to what the user typed (`time_limit` → `--time-limit`).
    """
    parts = [_field_and_message(error, source, rename or {}) for error in exc.errors()]
    field, message = parts[0]
    more = [f"{f}: {m}" for f, m in parts[1:]]
    return InputError(field, "; ".join([message, *more]))


def _field_and_message(error: ErrorDetails, source: str, rename: dict[str, str]) -> tuple[str, str]:
    message = error["msg"]
    if message.startswith(_VALUE_ERROR_PREFIX):
        message = message[len(_VALUE_ERROR_PREFIX) :]
    loc = [str(part) for part in error["loc"]]
    if loc and loc[0] in rename:
        loc[0] = rename[loc[0]]
    if not loc:
        if error["type"] == "value_error":
            # Model-level checks (cross references) already start with the path: "wishes[0].staff: …".
            head, sep, rest = message.partition(": ")
            if sep and " " not in head:
                return head, rest
        return source, message
    value = error.get("input")
    if error["type"] != "missing" and (value is None or isinstance(value, str | int | float | bool)):
        message = f"{message} (got {_short(value)})"
    return ".".join(loc), message


def _short(value: object) -> str:
    """The offending value as the user wrote it in JSON, cut short if long."""
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = repr(value)
    else:
        text = str(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"
