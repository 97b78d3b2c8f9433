"""The planner's audit page (`/web/team/audit`): who did what in the team and when, newest first,
filtered by person (user name), dates and kind of action, each kind worded in the reader's language
(`planner.audit_kinds`). It reads through `services.audit_log` like `GET /teams/{id}/audit`."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.web import i18n
from api.web.common import WebPlanner, lang_of, render
from planner import services
from planner.audit_kinds import ACTION_TEXTS, action_text
from planner.models import local
from planner.texts import N_

router = APIRouter()
PAGE_SIZE = 100


def _date(value: str, field: str, errors: dict[str, str], lang: str) -> dt.date | None:
    """A filter's date, or None when blank; a date that does not parse is an error named by `field`."""
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = i18n.translator(lang)(N_("Write a date (yyyy-mm-dd)."))
        return None


@router.get("/web/team/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    actor: WebPlanner,
    who: str = "",
    since: str = "",
    until: str = "",
    kind: str = "",
    offset: int = 0,
) -> Response:
    """The team's audit trail as a table, with its filters."""
    lang = lang_of(request)
    _ = i18n.translator(lang)
    if actor.team_id is None:
        return render(request, "audit.html", {"entries": [], "no_team": True, "errors": {}, "form": {}})
    errors: dict[str, str] = {}
    first, last = _date(since, "since", errors, lang), _date(until, "until", errors, lang)
    if kind and kind not in ACTION_TEXTS:
        errors["kind"] = _("Choose one of the options.")
    if first and last and last < first:
        errors["until"] = _("The last day comes before the first.")
    users = services.list_users(actor.team_id, session=session, actor=actor)
    people = {
        s.id: s.name or s.code for s in services.staff_records(actor.team_id, session=session, actor=actor)
    }
    labels = {u.username: (people.get(u.staff_id, "") if u.staff_id else "") for u in users}
    entries = []
    offset = max(0, offset)
    if not errors:
        rows = services.audit_log(
            actor.team_id,
            session=session,
            actor=actor,
            limit=PAGE_SIZE + 1,
            offset=offset,
            who=who or None,
            since=first,
            until=last,
            kind=kind or None,
        )
        for row in rows[:PAGE_SIZE]:
            entries.append(
                {
                    "at": local(row.at),
                    "who": row.who,
                    "name": labels.get(row.who, ""),
                    "what": _(action_text(row.action)),
                    "target": row.target,
                    "detail": json.dumps(row.detail, ensure_ascii=False, sort_keys=True)
                    if row.detail
                    else "",
                }
            )
        more = len(rows) > PAGE_SIZE
    else:
        more = False
    kinds = sorted(((k, _(v)) for k, v in ACTION_TEXTS.items()), key=lambda kv: kv[1].lower())
    form = {"who": who, "since": since, "until": until, "kind": kind}
    query = urlencode({k: v for k, v in form.items() if v})
    return render(
        request,
        "audit.html",
        {
            "entries": entries,
            "form": form,
            "errors": errors,
            "kinds": kinds,
            "users": sorted(labels.items()),
            "more": more,
            "next_offset": offset + PAGE_SIZE,
            "prev_offset": max(0, offset - PAGE_SIZE) if offset else None,
            "query": query,
        },
        status_code=422 if errors else 200,
    )
