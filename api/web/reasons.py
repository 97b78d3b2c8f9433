"""The counterfactual reasons, the smallest fixes and the fairness ledger in the page's language.

A stored reason (`solver.counterfactual.Reason`) carries message ids with params for what it is about
(`item`), its headline and its consequences (`because`); each is worded by the catalogue through
`explain.say`. An impossible item's headline lists the clashing rules: in another language than English
they are worded one by one from its `because` (the rules' own messages). No business rules here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.web import i18n
from api.web.explain import say
from solver import families

# The order reasons are shown in: what a reader can act on first.
_STATUS_ORDER = {"priced": 0, "impossible": 1, "no_answer": 2, "not_reached": 3}


def headline(reason: Mapping[str, Any], lang: str) -> str:
    """The reason's first sentence in `lang` ("granting it alone would cost 12 more", …)."""
    if reason.get("status") == "impossible" and lang != "en":
        rules = "; ".join(say(cause, lang) for cause in reason.get("because") or [])
        return say({**reason, "params": {**(reason.get("params") or {}), "rules": rules}}, lang)
    return say(reason, lang)


def consequences(reason: Mapping[str, Any], lang: str) -> list[str]:
    """What granting it would do, in `lang` (none for an impossible one: its rules are in the headline)."""
    if reason.get("status") == "impossible":
        return []
    return [say(b, lang) for b in reason.get("because") or []]


def by_family(reason: Mapping[str, Any], lang: str) -> list[tuple[str, int]]:
    """The cost by rule family, each family by its heading in `lang`, the largest change first."""
    _ = i18n.translator(lang)
    labels = {spec.name: spec.label for spec in families.all_families()}
    parts = (reason.get("by_family") or {}).items()
    return [(_(labels.get(name, name)), cost) for name, cost in sorted(parts, key=lambda kv: -abs(kv[1]))]


def view(reason: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """One reason as the pages show it."""
    item = reason.get("item") or {}
    return {
        "about": say(item, lang),
        "kind": item.get("kind"),
        "staff": item.get("staff"),
        "date": item.get("date"),
        "shift": item.get("shift"),
        "route": item.get("route"),
        "status": reason.get("status"),
        "cost": reason.get("cost"),
        "headline": headline(reason, lang),
        "because": consequences(reason, lang),
        "by_family": by_family(reason, lang),
        "changes": len(reason.get("changes") or []),
    }


def views(reasons: list[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Reasons as the pages show them: worked out first (cheapest first), then the others."""
    ordered = sorted(reasons, key=lambda r: (_STATUS_ORDER.get(str(r.get("status")), 9), r.get("cost") or 0))
    return [view(r, lang) for r in ordered]


def fix_text(fix: Mapping[str, Any], lang: str) -> str:
    """A proposed fix in `lang`: its relaxations, joined ("drop Mette's veto day …; lower …")."""
    _ = i18n.translator(lang)
    said = [say(r, lang) for r in fix.get("relaxations") or []]
    if len(said) == 2:
        return _("{first}, and {second}", first=said[0], second=said[1])
    return "; ".join(said)
