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
from api.web.explain import say
from solver.families import Msg

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


def _from_causes(conflict: Mapping[str, Any], lang: str) -> str | None:
    """A conflict worded from its message and its causes' messages (`explain.say`); None for a conflict
    stored before causes existed, or one whose wording the catalogue lacks."""
    message, causes = conflict.get("message"), conflict.get("causes") or []
    params = conflict.get("params") or {}
    _ = i18n.translator(lang)
    if message == Msg.CONFLICT_UNKNOWN:
        return say(conflict, lang)
    if not causes or message not in (Msg.CONFLICT_PERSON, Msg.CONFLICT_PEOPLE):
        return None
    worded = [say(cause, lang) for cause in causes]
    if message == Msg.CONFLICT_PERSON:
        who = params.get("who", "")
        who = _("the team") if who == "the team" else who
        return say({**conflict, "params": {**params, "who": who, "rules": "; ".join(worded)}}, lang)
    # Several people: their names are in the English params ("Name: rule, rule; Name: rule"), one part per
    # person in the order of the causes.
    names = [part.split(": ", 1)[0] for part in str(params.get("rules", "")).split("; ")]
    groups: dict[Any, list[str]] = {}
    for cause, text in zip(causes, worded, strict=True):
        groups.setdefault(cause.get("staff"), []).append(text)
    if len(names) != len(groups):
        return None
    parts = [
        f"{_('the team') if name in ('team', 'the team') else name}: {', '.join(texts)}"
        for name, texts in zip(names, groups.values(), strict=True)
    ]
    return say({**conflict, "params": {**params, "rules": "; ".join(parts)}}, lang)


def conflict_text(conflict: Mapping[str, Any], lang: str) -> str:
    """A stored conflict in `lang`: worded from its message and causes where it has them, else its
    English rules and the sentence around them through the patterns here."""
    text = str(conflict.get("explanation", ""))
    if lang == "en":
        return text
    worded = _from_causes(conflict, lang)
    if worded is not None:
        return worded
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
