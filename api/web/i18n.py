"""The pages' two languages: Danish (the default) and English.

Texts are written in English in the templates and page code (`_("Sign in")`); their Danish wording is in
the application's gettext catalogue (`planner/texts.py`, `planner/locale/da/LC_MESSAGES/pusleplan.po`),
which the command line and the API share. `tests/web/test_web_basics.py` checks, with Babel's extraction,
that every text of the templates and the code has a Danish entry. Dates, weekdays and numbers are
formatted by Babel in the user's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from babel import negotiate_locale
from babel.dates import format_date, format_datetime, get_date_format, get_day_names, get_time_format

from planner.texts import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from planner.texts import N_, add_translations
from planner.texts import plural_translator as plural_translator
from planner.texts import translator as translator

LANGUAGES = {"da": "Dansk", "en": "English"}

register = add_translations  # a plug-in's own words, English → Danish, at run time

# Texts the pages translate from stored ids (a wish's kind), not from a literal where they are written.
FROM_IDS = (N_("want"), N_("avoid"))


def language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def accepted(header: str | None) -> str:
    """The language of an API answer: English unless the client's `Accept-Language` prefers a language
    of the catalogue ("da-DK,da;q=0.9" → "da"); a wildcard or an unknown language reads English."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((header or "").split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, i, tag.lower().replace("_", "-")))
    preferred = [tag for _, _, tag in sorted(ranked)]
    return negotiate_locale(preferred, list(LANGUAGES), sep="-") or "en"


def date_long(value: dt.date, lang: str) -> str:
    """ "mandag 5. april 2027" / "Monday, April 5, 2027"."""
    return format_date(value, "full", locale=lang)


def date_short(value: dt.date, lang: str) -> str:
    """ "man. 5. apr." / "Mon, Apr 5": a day in a calendar or grid header."""
    return format_date(value, "EEE d. MMM" if lang == "da" else "EEE, MMM d", locale=lang)


def day_month(value: dt.date, lang: str) -> str:
    """ "5/4" / "4/5": the shortest date, for grid headers."""
    return format_date(value, "d/M" if lang == "da" else "M/d", locale=lang)


def weekday_short(value: dt.date, lang: str) -> str:
    return format_date(value, "EEE", locale=lang)


def weekday_names(lang: str, width: Literal["abbreviated", "narrow", "short", "wide"] = "wide") -> list[str]:
    """Monday first, as the solver's weekday numbers 0–6."""
    names = get_day_names(width, locale=lang)
    return [names[i] for i in range(7)]


def when(value: dt.datetime, lang: str) -> str:
    """A deadline or a time stamp: "5. apr. 2027 12.00" (no seconds)."""
    pattern = f"{get_date_format('medium', lang).pattern} {get_time_format('short', lang).pattern}"
    return format_datetime(value, pattern, locale=lang)
