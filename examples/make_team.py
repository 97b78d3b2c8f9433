"""A home-care team of any size, made from the Uldum team (`examples/uldum.json`, 25 people, 13 routes).

    python examples/make_team.py --people 100 > team100.json

The team is Uldum repeated as districts: copy `c` of the 25 people (ids `anne.s-2`, …) with its own
routes (`uldum-1-2`, districts `Uldum 2`, …), wishes, vetoes, absences, self-picks and locks; the last
copy holds the people that remain (the first of the list, with a share of the routes) when `people` is
not a multiple of 25. Cover grows with the team: every need is the Uldum need × people / 25, rounded.
The working-time rules, the weights and the 8-week horizon are Uldum's. Deterministic: the same size
gives the same file (used by the growth benchmark, `tests/benchmarks/test_growth_bench.py`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ULDUM = ROOT / "examples" / "uldum.json"
TEAM = 25  # people in one copy of Uldum


def team(people: int, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The problem (as JSON data) of a team of `people`, 1 … 1000."""
    if not 1 <= people <= 1000:
        raise ValueError(f"people must be 1 … 1000, got {people}")
    uldum = base if base is not None else json.loads(ULDUM.read_text(encoding="utf-8"))
    size = len(uldum["staff"])
    out: dict[str, Any] = {
        key: uldum[key] for key in ("horizon", "shift_types", "rules", "weights") if key in uldum
    }
    out["name"] = f"Hjemmeplejen, {people} medarbejdere (Uldum × {people / size:g})"
    for key in ("staff", "routes", "wishes", "self_picks", "locks"):
        out[key] = []
    copies = -(-people // size)
    for c in range(copies):
        count = min(size, people - c * size)
        staff = uldum["staff"][:count]
        kept = {p["id"] for p in staff}
        routes = uldum["routes"][: max(1, round(len(uldum["routes"]) * count / size))]
        route_ids = {r["id"] for r in routes}

        def sid(value: str, c: int = c) -> str:
            return value if c == 0 else f"{value}-{c + 1}"

        def district(name: str | None, c: int = c) -> str | None:
            return name if c == 0 or name is None else f"{name} {c + 1}"

        for p in staff:
            person = dict(p, id=sid(p["id"]))
            if c and p.get("name"):
                person["name"] = f"{p['name']} ({c + 1})"
            if "favourite_routes" in p:
                person["favourite_routes"] = [sid(r) for r in p["favourite_routes"] if r in route_ids]
            if "favourite_districts" in p:
                person["favourite_districts"] = [district(d) for d in p["favourite_districts"]]
            out["staff"].append(person)
        for r in routes:
            out["routes"].append(
                dict(r, id=sid(r["id"]), name=r.get("name", r["id"]), district=district(r.get("district")))
            )
        for key in ("wishes", "self_picks", "locks"):
            for item in uldum.get(key, []):
                if item["staff"] not in kept or (item.get("route") and item["route"] not in route_ids):
                    continue
                moved = dict(item, staff=sid(item["staff"]))
                if item.get("route"):
                    moved["route"] = sid(item["route"])
                out[key].append(moved)
    out["cover"] = [dict(rule, need=round(rule["need"] * people / size)) for rule in uldum["cover"]]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python examples/make_team.py", description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, required=True, help="team size, 1 … 1000")
    args = parser.parse_args(argv)
    try:
        data = team(args.people)
    except ValueError as exc:
        print(f"make_team: error: {exc}", file=sys.stderr)
        return 2
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
