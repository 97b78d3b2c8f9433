"""Every audit action the code writes has a wording on the audit page (`planner.audit_kinds`): the
source of `planner/` and `api/` is read, each action given to `audit(…)`, `audit_now(…)`,
`AuditEntry(action=…)` or a failed sign-in's record is worked out (string literals, both sides of an
`if`, a name assigned in the same function, f-strings over the set-up kinds and cell actions) and must
be in `ACTION_TEXTS`, which must name nothing else."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path
from typing import get_args

from planner.audit_kinds import ACTION_TEXTS
from planner.models import CellEdit, RotaChangeKind
from planner.services import SETUP

ROOT = Path(__file__).resolve().parents[1]
# The values an f-string's placeholder takes in an audit action.
PLACEHOLDERS = {
    "kind": set(SETUP),
    "edit.action": set(get_args(CellEdit.model_fields["action"].annotation)),
    "change.kind": set(get_args(RotaChangeKind)),
}
# The position of the action among a call's arguments (session, actor, team, action, …).
POSITION = {"audit": 3, "audit_now": 3, "_audit_failure": 4, "_audit_account": 3}


def _values(node: ast.AST, scope: ast.AST, params: dict[str, set[str]]) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _values(node.body, scope, params) | _values(node.orelse, scope, params)
    if isinstance(node, ast.JoinedStr):
        parts: list[set[str]] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append({str(value.value)})
            else:
                assert isinstance(value, ast.FormattedValue)
                parts.append(PLACEHOLDERS[ast.unparse(value.value)])
        return {"".join(p) for p in itertools.product(*parts)}
    if isinstance(node, ast.Name):
        if node.id in params:
            return params[node.id]
        found: set[str] = set()
        for child in ast.walk(scope):
            if isinstance(child, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in child.targets
            ):
                found |= _values(child.value, scope, params)
        assert found, f"cannot tell the values of {node.id}"
        return found
    raise AssertionError(f"an audit action the test cannot read: {ast.unparse(node)}")


def written_actions() -> set[str]:
    trees = [ast.parse(p.read_text()) for d in ("planner", "api") for p in (ROOT / d).rglob("*.py")]
    # what the helpers that record on behalf of a caller are given (a failed sign-in's `what`)
    relayed: dict[str, set[str]] = {"what": set()}
    for tree in trees:
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if name == "_audit_failure" and len(call.args) > 4:
                scope = next(
                    f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and call in ast.walk(f)
                )
                relayed["what"] |= _values(call.args[4], scope, {})
    actions: set[str] = set()
    for tree in trees:
        for func in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            if func.name in POSITION:
                continue  # the helpers themselves pass on what they were given
            for call in (n for n in ast.walk(func) if isinstance(n, ast.Call)):
                name = (
                    call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
                )
                if name in ("audit", "audit_now", "_audit_account") and len(call.args) > 3:
                    actions |= _values(call.args[3], func, {})
                elif name == "_audit_failure" and len(call.args) > 4:
                    actions |= _values(call.args[4], func, {})
                elif name == "AuditEntry":
                    for kw in call.keywords:
                        if kw.arg == "action":
                            actions |= _values(
                                kw.value, func, relayed if func.name == "_audit_failure" else {}
                            )
    return actions


def test_every_action_the_code_writes_has_a_wording_and_no_wording_is_left_over() -> None:
    actions = written_actions()
    assert len(actions) > 40  # the reading found the calls
    assert sorted(actions - set(ACTION_TEXTS)) == []
    assert sorted(set(ACTION_TEXTS) - actions) == []
