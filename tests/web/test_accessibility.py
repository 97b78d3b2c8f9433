"""Keyboard and screen-reader basics of every main page, checked in Chromium on the rendered page: each
form control has a label, each button and link a name, text has enough contrast against what is
actually behind it (WCAG AA: 4.5:1, 3:1 for large text), the page has one h1 and its language; and the
review grid works from the keyboard. Skipped without a `chromium` command, except under
`PUSLEPLAN_REQUIRE_BROWSER=1` (CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service.helpers import PASSWORD, World, build_world, migrated, ok, solve_period

from web.browser import DESKTOP, PHONE, browser_required, chromium_path, live_server, sign_in

pytestmark = pytest.mark.browser

if chromium_path() is None and not browser_required():
    pytest.skip("no chromium command (apt-get install chromium)", allow_module_level=True)

# Runs in the page: the problems a screen-reader or low-vision user would meet, as readable strings.
AUDIT = """() => {
  const problems = [];
  const visible = el => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
  };
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    ' "' + (el.innerText || el.value || '').trim().slice(0, 40) + '"';
  const named = el => (el.getAttribute('aria-label') || '').trim() ||
    (el.getAttribute('aria-labelledby') || '').split(' ').map(id => document.getElementById(id))
      .filter(Boolean).map(x => x.textContent.trim()).join('') ||
    (el.labels && [...el.labels].map(l => l.textContent.trim()).join('')) ||
    (el.getAttribute('title') || '').trim();
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (!named(el)) problems.push('no label: ' + describe(el));
  }
  for (const el of document.querySelectorAll('button, a[href], summary')) {
    const text = (el.textContent || '').replace(/\\s+/g, ' ').trim();
    if (!text && !named(el) && !el.querySelector('img[alt]:not([alt=""])'))
      problems.push('no name: ' + describe(el));
  }
  for (const el of document.querySelectorAll('img')) {
    if (!el.hasAttribute('alt')) problems.push('no alt: ' + el.src);
  }
  const rgba = c => {
    const m = c.match(/[\\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
  };
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {  // the colour behind el: its own or an ancestor's, blended over white
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let out = [255, 255, 255];
    for (const [r, g, b, a] of layers.reverse())
      out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a)];
    return out;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el) || !visible(el)) continue;
    seen.add(el);
    const s = getComputedStyle(el);
    if (s.clip === 'rect(0px, 0px, 0px, 0px)' || el.closest('[aria-hidden=true]')) continue;
    const fg = rgba(s.color), bg = background(el);
    const blended = [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
    const [hi, lo] = [lum(blended), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
    const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < need) problems.push('contrast ' + ratio.toFixed(2) + ' < ' + need + ': ' + describe(el));
  }
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push('h1 count ' + h1);
  if (!document.documentElement.lang) problems.push('no lang');
  return problems;
}"""


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        yield from build_world(engine)


def signed_in(context: Any, base: str, username: str) -> Any:
    page = context.new_page()
    sign_in(page, base, username, PASSWORD)
    return page


def audit(page: Any, url: str) -> list[str]:
    page.goto(url)
    return [f"{url}: {problem}" for problem in page.evaluate(AUDIT)]


def test_every_main_page_has_labels_names_contrast_and_one_heading(world: World, browser: Any) -> None:
    veto = {"staff_id": world.staff["mette"], "date": "2027-03-02", "kind": "veto"}
    ok(world.post("mette", f"/periods/{world.period}/wishes", json=veto), 201)
    rota = solve_period(world, publish=True)
    period, mette = world.period, world.staff["mette"]
    staff_pages = [
        "/web/me",
        f"/web/me/periods/{period}",
        f"/web/me/periods/{period}/rota",
        "/web/me/routes",
        "/web/me/exchange",
        "/web/me/sick",
        "/web/me/changes",
    ]
    planner_pages = [
        "/web/periods",
        f"/web/periods/{period}",
        f"/web/rotas/{rota['id']}",
        f"/web/rotas/{rota['id']}/cell?c={mette}.0",
        "/web/team",
        "/web/team/staff/new",
        "/web/team/shift-types/new",
        "/web/team/routes/new",
        "/web/team/cover/new",
        "/web/team/rules",
        f"/web/team/staff/{mette}/account",
        "/web/fairness",
        f"/web/periods/{period}/fixes",
        f"/web/periods/{period}/changes",
    ]
    problems: list[str] = []
    with live_server(world.engine) as base:
        for lang in ("da", "en"):
            phone = browser.new_context(**PHONE)
            desk = browser.new_context(**DESKTOP)
            staff, planner = signed_in(phone, base, "mette"), signed_in(desk, base, "planner")
            if lang == "en":
                for page in (staff, planner):
                    page.goto(f"{base}/web/language/en")
            problems += [p for url in staff_pages for p in audit(staff, base + url)]
            problems += [p for url in planner_pages for p in audit(planner, base + url)]
            phone.close()
            desk.close()
    assert problems == [], "\n".join(problems)


def test_the_review_grid_works_from_the_keyboard(world: World, browser: Any) -> None:
    rota = solve_period(world)
    mette = world.staff["mette"]
    with live_server(world.engine) as base:
        page = signed_in(browser.new_context(**DESKTOP), base, "planner")
        page.goto(f"{base}/web/rotas/{rota['id']}")
        page.locator(f"#c{mette}-0 button").focus()
        page.keyboard.press("Enter")
        page.locator("#cell-editor .editor").wait_for()
        # The editor takes the focus (its first action), so a keyboard user is where the choices are.
        # htmx moves the focus when the swap settles (20 ms after the content appears): wait for it.
        page.wait_for_function("document.activeElement.closest('#cell-editor') !== null", timeout=2000)
        page.keyboard.press("Enter")  # "Lock as it is"
        page.wait_for_function(f"() => document.querySelector('#c{mette}-0').innerText.includes('🔒')")
        status = page.locator("#grid-status").inner_text()
        assert "låst" in status  # announced to screen readers (role=status)
