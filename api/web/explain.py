"""The solver's explanations in the page's language: a penalty (or a conflict's cause) carries a message id
and its params (`solver/families.py`); the catalogue words the message, and the values are written as the
page writes dates and numbers. A record without a message id, or one the catalogue has no wording for (a
family registered later without its own words), reads in its English sentence. Penalties stored before
message ids existed got theirs from the checker (migration f7c2a9d41b03).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from babel.numbers import format_decimal

from api.web import i18n
from solver import families

_SPEC = re.compile(r"\{(\w+)(?::[^}]*)?\}")  # "{target:g}" → "{target}": numbers come formatted
_DATES = {"date", "start", "end", "before"}
_AMOUNTS = {"n", "need", "hours", "target", "unmet", "carers", "cost", "to", "seconds"}


def _phrases(params: Mapping[str, Any], lang: str) -> dict[str, str]:
    """The derived phrases of `solver.families` (`what`, `slot`, …) worded in `lang`."""
    _ = i18n.translator(lang)
    shift, route = params.get("shift"), params.get("route")
    slot = _("{shift} route {route}", shift=shift or "", route=route).strip() if route else str(shift or "")
    route_words = _("{shift} route {route}", shift="", route=route).strip() if route else ""
    weekday = params.get("weekday")
    return {
        "what": slot or _("a shift"),
        "slot": slot,
        "shift_skill": f"{shift} ({params['skill']})" if params.get("skill") else str(shift or ""),
        "route_part": f" {route_words}" if route_words else "",
        "reason_part": f" ({params['reason']})" if params.get("reason") else "",
        "weekday_name": i18n.weekday_names(lang)[int(weekday)] if weekday is not None else "",
    }


def _value(name: str, value: Any, lang: str) -> Any:
    if name in _DATES and isinstance(value, str):
        try:
            return i18n.date_short(dt.date.fromisoformat(value), lang)
        except ValueError:
            return value
    if name in _AMOUNTS and isinstance(value, int | float) and not isinstance(value, bool):
        return format_decimal(value, locale=lang)
    return value


def say(record: Mapping[str, Any], lang: str) -> str:
    """A penalty (or a conflict's cause) in `lang`, from its message id and params: the English template
    worded by the catalogue, dates and numbers written as the page writes them, the derived phrases in the
    same language. A record without a message id, an unknown id or a wording the catalogue lacks: its
    English sentence."""
    text = str(record.get("explanation") or "")
    message_id, params = record.get("message"), record.get("params") or {}
    if lang == "en" or not message_id:
        return text
    try:
        spec = families.message(str(message_id))
    except KeyError:
        return text
    _ = i18n.translator(lang)
    template = _(spec.template)
    if template == spec.template:
        return text
    values = {**_phrases(params, lang), **{k: _value(k, v, lang) for k, v in params.items()}}
    try:
        said = _SPEC.sub(r"{\1}", template).format(**values)
    except (KeyError, IndexError, ValueError):  # a wording naming a value the record lacks
        return text
    if params.get("before"):
        said = _(families.HISTORY, rule=said, before=_value("before", params["before"], lang))
    return said
