"""What each kind of audit entry means, in words a planner reads on the audit page (English msgids,
Danish in the catalogue). Every action string the code writes (`services.audit`, `audit_now`,
`AuditEntry(action=…)`, a failed sign-in) has its wording here: `tests/test_audit_kinds.py` reads the
source and fails on one without. An entry of a kind unknown here (written by an older or newer version)
is shown as it is stored."""

from __future__ import annotations

from planner.texts import N_

# Grouped as the page's "kind" filter lists them: accounts and sign-in, set-up, periods and wishes,
# solving and rotas.
ACTION_TEXTS: dict[str, str] = {
    # accounts and sign-in
    "create account": N_("Account created"),
    "delete account": N_("Account deleted"),
    "disable account": N_("Account disabled"),
    "enable account": N_("Account enabled again"),
    "change own password": N_("Own password changed"),
    "reset password": N_("Password reset (one-time password given)"),
    "forgot password": N_("Forgotten password: a link asked for by e-mail"),
    "password reset by e-mail link": N_("Password chosen by the link from the e-mail"),
    "change own contact settings": N_("Own e-mail and notification settings changed"),
    "set e-mail address": N_("E-mail address set by the planner"),
    "sign-in failed": N_("Sign-in failed"),
    "sign-in failed: wrong one-time code": N_("Sign-in failed: wrong one-time code"),
    "sign-in refused: too many failures": N_("Sign-in refused: too many failed attempts"),
    "sign-in refused: account disabled": N_("Sign-in refused: the account is disabled"),
    "sign out everywhere": N_("Signed out everywhere"),
    "two-factor sign-in on": N_("Two-factor sign-in turned on"),
    "two-factor sign-in off": N_("Two-factor sign-in turned off"),
    "renew calendar feed": N_("Calendar link made or renewed"),
    "revoke calendar feed": N_("Calendar link stopped"),
    "erase person": N_("Person's data erased"),
    # the team and its set-up
    "create team": N_("Team created"),
    "init demo": N_("Demo team set up"),
    "start demo over": N_("Demo team started over"),
    "create staff": N_("Staff member added"),
    "change staff": N_("Staff member changed"),
    "delete staff": N_("Staff member removed"),
    "create shift type": N_("Shift type added"),
    "change shift type": N_("Shift type changed"),
    "delete shift type": N_("Shift type removed"),
    "create route": N_("Route added"),
    "change route": N_("Route changed"),
    "delete route": N_("Route removed"),
    "create cover rule": N_("Cover rule added"),
    "change cover rule": N_("Cover rule changed"),
    "delete cover rule": N_("Cover rule removed"),
    "change rules": N_("Working-time rules changed"),
    "change favourite routes": N_("Favourite routes changed"),
    # periods, wishes and claims
    "create period": N_("Period created"),
    "open period": N_("Period opened for wishes"),
    "close period": N_("Period closed for wishes"),
    "create wish": N_("Wish added"),
    "change wish": N_("Wish changed"),
    "delete wish": N_("Wish removed"),
    "create standing wish": N_("Standing agreement asked for"),
    "approve standing wish": N_("Standing agreement approved"),
    "delete standing wish": N_("Standing agreement removed"),
    "claim slot": N_("Open slot claimed"),
    "release slot": N_("Claimed slot released"),
    # solving and rotas
    "start solve": N_("Solve started"),
    "cancel solve": N_("Solve cancelled"),
    "stop solve": N_("Solve stopped early"),
    "fail stale jobs": N_("Interrupted solves marked failed"),
    "store draft rota": N_("Draft rota stored"),
    "lock cell": N_("Cell locked"),
    "change cell": N_("Cell changed"),
    "clear cell": N_("Cell made a day off"),
    "unlock cell": N_("Cell lock removed"),
    "publish rota": N_("Rota published"),
    "meeting move": N_("Rota meeting: move accepted"),
    "meeting undo": N_("Rota meeting: move undone"),
    "meeting redo": N_("Rota meeting: move made again"),
    "cancel lost solve": N_("A stopped solve whose worker was lost ended"),
    "requeue lost solve": N_("A solve whose worker was lost put back in the queue"),
    "fail lost solve": N_("A solve whose worker was lost marked failed"),
    "add planner": N_("Planner added to the team"),
    "remove planner": N_("Planner removed from the team"),
    "create administrator": N_("Administrator account created"),
    "apply fix": N_("Smallest fix applied to make a rota possible"),
    "work out reasons": N_("Reasons for unmet wishes worked out again"),
    "offer shift": N_("Shift offered to colleagues"),
    "take offer": N_("Offered shift taken"),
    "approve offer": N_("Shift exchange approved"),
    "refuse offer": N_("Shift exchange refused"),
    "decline offer": N_("Offered shift declined"),
    "withdraw offer": N_("Shift offer withdrawn"),
    "report sick": N_("Sickness reported"),
    "change published rota (handover)": N_("Published rota changed: a shift handed over"),
    "change published rota (swap)": N_("Published rota changed: shifts swapped"),
    "change published rota (sickness)": N_("Published rota changed: sickness"),
    "change published rota (replan)": N_("Published rota changed: re-planned"),
    "change published rota (edit)": N_("Published rota changed by the planner"),
}


def action_text(action: str) -> str:
    """The msgid of an action's wording (translate it with the reader's `_`), or the action itself."""
    return ACTION_TEXTS.get(action, action)
