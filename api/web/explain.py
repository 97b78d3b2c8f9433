"""The solver's explanations (one English sentence per cost it could not avoid, `solver/rules/*.py`) in the
page's language: each sentence shape has a pattern here, its dates are written as the page writes dates
and its numbers with the language's decimal sign. A sentence no pattern knows is shown as it is, so a new
rule never loses its explanation; `tests/web/test_review_pages.py` checks that every family of a solved
example rota has a pattern.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from babel.numbers import format_decimal

from api.web import i18n
from solver import families

_DATE = r"(?P<date>\d{4}-\d\d-\d\d)"
_NUMBER = r"-?\d+(?:\.\d+)?"

# (pattern, Danish template): named groups fill the template; `date` is formatted, `what` translated,
# groups named n, need, target are numbers.
_DANISH: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(rf"^(?P<who>.+), {_DATE}: wanted (?P<what>.+), not given$"),
        "{who}, {date}: ønskede {what}, fik det ikke",
    ),
    (
        re.compile(rf"^(?P<who>.+), {_DATE}: asked to avoid (?P<what>.+)$"),
        "{who}, {date}: bad om at undgå {what}",
    ),
    (
        re.compile(rf"^(?P<who>.+), {_DATE}: own pick (?P<what>.+) was changed$"),
        "{who}, {date}: den selvvalgte vagt {what} blev ændret",
    ),
    (
        re.compile(rf"^(?P<who>.+), {_DATE}: changed from the draft \((?P<what>.+)\)$"),
        "{who}, {date}: ændret fra udkastet ({what})",
    ),
    (
        re.compile(rf"^(?P<who>.+), {_DATE}: route (?P<route>.+) is not a favourite$"),
        "{who}, {date}: rute {route} er ikke en favoritrute",
    ),
    (
        re.compile(
            rf"^(?P<who>.+): (?P<n>{_NUMBER}) h outside the contract target of (?P<target>{_NUMBER}) h$"
        ),
        "{who}: {n} timer fra kontraktens mål på {target} timer",
    ),
    (
        re.compile(rf"^{_DATE} (?P<what>.+): (?P<n>\d+) short of (?P<need>\d+) needed$"),
        "{date} {what}: {n} for få (behov {need})",
    ),
    (
        re.compile(rf"^{_DATE} (?P<what>.+): (?P<n>\d+) more than (?P<need>\d+) needed$"),
        "{date} {what}: {n} flere end behovet på {need}",
    ),
    (
        re.compile(rf"^{_DATE} (?P<what>.+): route (?P<route>.+) has nobody$"),
        "{date} {what}: ingen på rute {route}",
    ),
    (
        re.compile(r"^route (?P<route>.+): (?P<n>\d+) different carers$"),
        "rute {route}: {n} forskellige medarbejdere",
    ),
    (
        re.compile(rf"^the least-served person has (?P<n>{_NUMBER}) unmet wish weight$"),
        "den mindst tilgodesete har {n} i uopfyldt ønskevægt",
    ),
]
_NUMBERS = {"n", "need", "target"}


def _what(text: str) -> str:
    """ "dag route uldum-1" → "dag rute uldum-1"; "a shift" → "en vagt"."""
    return "en vagt" if text == "a shift" else re.sub(r"\broute\b", "rute", text)


def _part(name: str, value: str, lang: str) -> str:
    """One matched part in `lang`: a date as the page writes dates, a number with its decimal sign."""
    if name == "date":
        return i18n.date_short(dt.date.fromisoformat(value), lang)
    if name == "what":
        return _what(value)
    if name in _NUMBERS:
        return format_decimal(float(value), locale=lang)
    return value


def explain(text: str, lang: str) -> str:
    """`text` (a solver explanation) in `lang`; unchanged for English or an unknown sentence."""
    if lang == "en":
        return text
    for pattern, template in _DANISH:
        match = pattern.match(text)
        if match is not None:
            return template.format(**{k: _part(k, v, lang) for k, v in match.groupdict().items()})
    return text


def known(text: str) -> bool:
    """Whether a pattern here knows the sentence (for the tests)."""
    return any(pattern.match(text) for pattern, _ in _DANISH)


# ---- from message id and params (issue 11): the catalogue's wording, the values in the page's language --

_SPEC = re.compile(r"\{(\w+)(?::[^}]*)?\}")  # "{target:g}" → "{target}": numbers come formatted
_DATES = {"date", "start", "end", "before"}
_AMOUNTS = {"n", "need", "hours", "target", "unmet", "carers"}


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
    same language. A record stored before messages existed, an unknown id or a wording the catalogue
    lacks: its English sentence through the patterns above."""
    text = str(record.get("explanation") or "")
    message_id, params = record.get("message"), record.get("params") or {}
    if lang == "en" or not message_id:
        return explain(text, lang)
    try:
        spec = families.message(str(message_id))
    except KeyError:
        return explain(text, lang)
    _ = i18n.translator(lang)
    template = _(spec.template)
    if template == spec.template:
        return explain(text, lang)
    values = {**_phrases(params, lang), **{k: _value(k, v, lang) for k, v in params.items()}}
    try:
        said = _SPEC.sub(r"{\1}", template).format(**values)
    except (KeyError, IndexError, ValueError):  # a wording naming a value the record lacks
        return explain(text, lang)
    if params.get("before"):
        said = _(families.HISTORY, rule=said, before=_value("before", params["before"], lang))
    return said
