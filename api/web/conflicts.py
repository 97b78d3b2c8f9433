"""The solver's conflicts (hard rules of named people that cannot all hold: `solver.solution.Conflict`,
one English sentence each, built from the rule names in `rules`) in the page's language.

Each rule name (`solver/rules/*.py`: "veto day 2027-03-10", "at least 160 hours in the period") has a
pattern here; its dates are written as the page writes dates and its numbers with the language's decimal
sign. The sentence around the rules is translated as a whole; a rule no pattern knows is shown as it is,
so a new rule never loses its name. `tests/web/test_review_pages.py` checks the rules the solver names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from babel.numbers import format_decimal

from api.web import i18n

_DATE = r"\d{4}-\d\d-\d\d"
_NUMBER = r"\d+(?:\.\d+)?"
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# (pattern, Danish template): groups named date/start/end are dates, n/h numbers, weekday an English
# weekday name; the rest is copied.
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^veto day (?P<date>{_DATE})$"), "vetodag {date}"),
    (re.compile(rf"^fixed day off (?P<date>{_DATE})$"), "fast fridag {date}"),
    (re.compile(r"^fixed day off every (?P<weekday>\w+)$"), "fast fridag hver {weekday}"),
    (
        re.compile(rf"^absence (?P<start>{_DATE}) … (?P<end>{_DATE})(?P<reason> \(.*\))?$"),
        "fravær {start} – {end}{reason}",
    ),
    (re.compile(rf"^lock: off on (?P<date>{_DATE})$"), "låst som fridag {date}"),
    (
        re.compile(
            rf"^lock: (?P<shift>\S+) on (?P<date>{_DATE})(?: route (?P<route>\S+))?"
            r"(?P<impossible> \(not qualified or not allowed\))?$"
        ),
        "låst til {shift}{route} {date}{impossible}",
    ),
    (re.compile(r"^daily rest and shift successions$"), "den daglige hvile og rækkefølgen af vagter"),
    (
        re.compile(rf"^weekly rest of (?P<h>{_NUMBER}) h in every 7 days$"),
        "ugentlig hvile på {h} timer i hver 7 dage",
    ),
    (re.compile(r"^at most (?P<n>\d+) working days in a row$"), "højst {n} arbejdsdage i træk"),
    (re.compile(r"^at least (?P<n>\d+) working days in a row$"), "mindst {n} arbejdsdage i træk"),
    (re.compile(r"^at least (?P<n>\d+) days off in a row$"), "mindst {n} fridage i træk"),
    (re.compile(r"^at most (?P<n>\d+) working weekends$"), "højst {n} weekender med arbejde"),
    (
        re.compile(r"^a weekend off in every (?P<n>\d+)$"),
        "mindst én fri weekend ud af hver {n} weekender",
    ),
    (re.compile(r"^at most (?P<n>\d+) (?P<shift>\S+) shifts$"), "højst {n} vagter af typen {shift}"),
    (re.compile(rf"^at least (?P<h>{_NUMBER}) hours in the period$"), "mindst {h} timer i perioden"),
    (re.compile(rf"^at most (?P<h>{_NUMBER}) hours in the period$"), "højst {h} timer i perioden"),
]
# A rule where it reads the days before the period (solver `Vars.with_history`): the rule, then this.
_HISTORY = re.compile(rf"^(?P<rule>.+), counting the days before (?P<date>{_DATE})$")
_SENTENCES: list[tuple[str, str]] = [
    (
        "these rules of several people cannot all hold together: ",
        "disse regler for flere medarbejdere kan ikke overholdes samtidig: ",
    ),
    (": these rules cannot all hold: ", ": disse regler kan ikke overholdes samtidig: "),
    (
        "the hard rules cannot all hold (no smaller cause found)",
        "reglerne kan ikke overholdes samtidig (ingen mindre årsag fundet)",
    ),
]


def _part(name: str, value: str | None, lang: str) -> str:
    if not value:
        return ""
    if name in ("date", "start", "end"):
        return i18n.date_short(dt.date.fromisoformat(value), lang)
    if name in ("n", "h"):
        return format_decimal(float(value), locale=lang)
    if name == "weekday" and value in _WEEKDAYS:
        return i18n.weekday_names(lang)[_WEEKDAYS.index(value)]
    if name == "route":
        return f" på rute {value}"
    if name == "impossible":
        return " (ikke kvalificeret eller ikke tilladt)"
    return value


def rule_text(rule: str, lang: str) -> str:
    """One rule name of a conflict in `lang`; unchanged for English or an unknown rule."""
    if lang == "en":
        return rule
    history = _HISTORY.match(rule)
    if history is not None:
        before = _part("date", history["date"], lang)
        return f"{rule_text(history['rule'], lang)}, medregnet dagene før {before}"
    for pattern, template in _RULES:
        match = pattern.match(rule)
        if match is not None:
            return template.format(**{k: _part(k, v, lang) for k, v in match.groupdict().items()})
    return rule


def conflict_text(conflict: Mapping[str, Any], lang: str) -> str:
    """A stored conflict (`explanation`, `rules`) in `lang`: its rules and the sentence around them."""
    text = str(conflict.get("explanation", ""))
    if lang == "en":
        return text
    for rule in sorted(set(conflict.get("rules", [])), key=len, reverse=True):
        text = text.replace(rule, rule_text(rule, lang))
    for english, danish in _SENTENCES:
        text = text.replace(english, danish)
    return re.sub(r"(^|; )(?:the )?team: ", r"\1teamet: ", text)


def known(rule: str) -> bool:
    """Whether a pattern here knows the rule name (for the tests)."""
    history = _HISTORY.match(rule)
    if history is not None:
        rule = history["rule"]
    return any(pattern.match(rule) for pattern, _ in _RULES)
