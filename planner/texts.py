"""The texts people read, in their language: one gettext catalogue per language, read with Babel.

Texts are written in English where they are used, `_("Sign in")` or `_("Week {n}", n=12)`: the English
text is the msgid, and `{name}` placeholders are filled by `str.format` after translation, so a wording
may move them. `locale/<lang>/LC_MESSAGES/pusleplan.po` holds each other language's wording (Danish
today); English needs no catalogue. The .po is read at first use and compiled in memory; nothing compiled
is stored. A text written in a table and translated later from a variable (a state's label) is marked
with `N_()` so extraction finds it. `make texts` extracts every msgid of code and templates (`babel.cfg`)
and updates the .po; `tests/web/test_web_basics.py` checks that every one has a wording.

No web or HTTP here: the pages, the command line and the API share the catalogue.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAIN = "pusleplan"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"  # the language of the msgids
DEFAULT_LANGUAGE = "da"

Translate = Callable[..., str]


def N_(text: str) -> str:
    """Mark `text` for the catalogue where it is written; it is translated later, where it is shown."""
    return text


def po_path(lang: str) -> Path:
    """Where the catalogue of `lang` lives (it may not exist: then texts stay English)."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compiled(catalog: Catalog) -> Translations:
    buffer = BytesIO()
    write_mo(buffer, catalog)  # leaves out fuzzy and untranslated entries: those stay English
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The gettext translations of `lang`, read from its .po once; English for a language without one."""
    path = po_path(lang)
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as po:
        return _compiled(read_po(po, locale=lang, domain=DOMAIN))


def add_translations(texts: Mapping[str, str], lang: str = DEFAULT_LANGUAGE) -> None:
    """Add English → `lang` texts at run time (a plug-in's own words); a text already in the catalogue
    must keep its wording."""
    current = translations(lang)
    if not isinstance(current, Translations):
        raise ValueError(f"no catalogue for the language {lang!r}")
    catalog = Catalog(locale=lang, domain=DOMAIN)
    for english, wording in texts.items():
        known = current.gettext(english)
        if known not in (english, wording):
            raise ValueError(f"two {lang} texts for {english!r}: {known!r} and {wording!r}")
        catalog.add(english, wording)
    current.merge(_compiled(catalog))


def translator(lang: str) -> Translate:
    """`_(text, **values)` for `lang`: the text's wording in `lang` (or the English one), `{name}` filled."""
    gettext = translations(lang).gettext

    def _(text: str, **values: object) -> str:
        wording = gettext(text)
        return wording.format(**values) if values else wording

    return _


def plural_translator(lang: str) -> Callable[..., str]:
    """`ngettext(singular, plural, n, **values)` for `lang`, the form for `n`, `{name}` filled."""
    ngettext = translations(lang).ngettext

    def ngettext_(singular: str, plural: str, n: int, **values: object) -> str:
        wording = ngettext(singular, plural, n)
        return wording.format(**values) if values else wording

    return ngettext_
