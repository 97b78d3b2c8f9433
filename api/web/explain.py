"""The solver's explanations (one English sentence per cost it could not avoid, `solver/rules/*.py`) in the
page's language: each sentence shape has a pattern here, its dates are written as the page writes dates
and its numbers with the language's decimal sign. A sentence no pattern knows is shown as it is, so a new
rule never loses its explanation; `tests/web/test_review_pages.py` checks that every family of a solved
example rota has a pattern.
"""

from __future__ import annotations

import datetime as dt
import re

from babel.numbers import format_decimal

from api.web import i18n

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
