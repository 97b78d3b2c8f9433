"""The pages' two languages: Danish (the default) and English.

Texts are written in English in the templates and page code (`_("Sign in")`); `DANISH` maps each to its
Danish wording. Every page module registers its own texts with `register()` next to the code that uses
them, so a page and its words change together; `tests/web/test_web_basics.py` checks that every
translated text in the templates and page code has a Danish entry. Dates, weekdays and numbers are
formatted by Babel in the user's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Literal

from babel.dates import format_date, format_datetime, get_date_format, get_day_names, get_time_format

LANGUAGES = {"da": "Dansk", "en": "English"}
DEFAULT_LANGUAGE = "da"

DANISH: dict[str, str] = {}


def register(texts: Mapping[str, str]) -> None:
    """Add English → Danish texts; the same English text must not get two Danish ones."""
    for english, danish in texts.items():
        known = DANISH.get(english)
        if known is not None and known != danish:
            raise ValueError(f"two Danish texts for {english!r}: {known!r} and {danish!r}")
        DANISH[english] = danish


def language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def translator(lang: str) -> Callable[..., str]:
    """`_(text, **values)` for `lang`: the Danish text (or the English one), with `{name}` filled in."""

    def _(text: str, **values: object) -> str:
        wording = DANISH.get(text, text) if lang == "da" else text
        return wording.format(**values) if values else wording

    return _


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


register(
    {
        "Sign in": "Log ind",
        "Sign out": "Log ud",
        "Username": "Brugernavn",
        "Password": "Adgangskode",
        "Wrong username or password.": "Forkert brugernavn eller adgangskode.",
        "Too many wrong attempts. Try again in {minutes} minutes.": (
            "For mange forkerte forsøg. Prøv igen om {minutes} minutter."
        ),
        "Language": "Sprog",
        "Page not found": "Siden findes ikke",
        "Not allowed": "Ikke tilladt",
        "Something went wrong": "Noget gik galt",
        "Back to the start page": "Tilbage til forsiden",
        "The form has expired; please try again.": "Formularen er udløbet; prøv igen.",
        "Please sign in again.": "Log venligst ind igen.",
        "Skip to content": "Spring til indhold",
        "Saved.": "Gemt.",
        "Save": "Gem",
        "Cancel": "Annuller",
        "Delete": "Slet",
        "Back": "Tilbage",
    }
)

register(
    {
        "Fill in this field.": "Udfyld feltet.",
        "Must be more than {gt}.": "Skal være mere end {gt}.",
        "Must be at least {ge}.": "Skal være mindst {ge}.",
        "Must be less than {lt}.": "Skal være mindre end {lt}.",
        "Must be at most {le}.": "Må højst være {le}.",
        "Too short.": "For kort.",
        "Too long (at most {max_length} characters).": "For langt (højst {max_length} tegn).",
        "Write a whole number.": "Skriv et helt tal.",
        "Write a number.": "Skriv et tal.",
        "Write a date (yyyy-mm-dd).": "Skriv en dato (åååå-mm-dd).",
        "Write a time (hh:mm).": "Skriv et klokkeslæt (tt:mm).",
        "Write a date and time.": "Skriv dato og klokkeslæt.",
        "Use only letters, digits, '-' and '_'.": "Brug kun bogstaver, tal, '-' og '_'.",
        "Choose one of the options.": "Vælg en af mulighederne.",
        "Choose at least one.": "Vælg mindst én.",
    }
)

register({"Main menu": "Hovedmenu", "Periods": "Perioder", "Team": "Team", "My plan": "Min plan"})
