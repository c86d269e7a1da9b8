#!/usr/bin/env python3
"""End-to-end test of podflow embedded in docs pages, against the release site served on 127.0.0.1.

Usage: e2e_embed.py SITE_URL   (the site's root URL, ending in /, e.g. http://127.0.0.1:8000/sub/podflow/)

Drives headless Chromium through chromedriver (plain WebDriver over HTTP, real time) over the example
docs pages in static/examples/ (an mdBook-shaped and a Docusaurus-shaped page, copied to dist/examples/):
- each page is loaded once with podflow's loader blocked and once normally, and the computed styles of
  the host page's own elements must be identical: podflow adds no style to the page and takes none away;
- every <div data-podflow> widget mounts (in its shadow root) and plays to the end of its story;
- the iframe (index.html?embed=1&...) mounts in compact mode and plays to the end;
- the host page is never scrolled by a widget or the iframe, and the browser logs no error.
Prints one line per check and `e2e-embed: N passed, N failed`; exits 1 on a failure.
"""

import json
import sys
import time

from webdriver import Browser

WINDOW_SIZE = "1280,2400"

PAGES = ["examples/mdbook.html", "examples/docusaurus.html"]

# The host elements compared with and without podflow, and the properties compared.
HOST_SELECTORS = ["html", "body", "h1", "h2", "p", "a", "code", "table", "th", "td", "button", "nav",
                  "ul", "main", "iframe"]
PROPERTIES = ["font-size", "font-family", "line-height", "color", "background-color", "margin-top",
              "margin-bottom", "padding-left", "display", "border-top-width", "box-sizing",
              "text-transform", "color-scheme"]

HOST_STYLES = """
const props = arguments[0], selectors = arguments[1];
const out = {};
for (const sel of selectors) {
  document.querySelectorAll(sel).forEach((el, i) => {
    if (el.closest('[data-podflow]')) return;
    const cs = getComputedStyle(el);
    out[sel + '#' + i] = props.map(p => p + '=' + cs.getPropertyValue(p)).join('; ');
  });
}
out['document stylesheets'] = String(document.styleSheets.length);
return out;
"""

WIDGETS = """
const frame = document.querySelector('iframe');
const apps = [...document.querySelectorAll('[data-podflow]')].map(w => {
  const root = w.shadowRoot;
  const q = s => root && root.querySelector(s);
  return {
    mounted: w.hasAttribute('data-podflow-mounted') && !!q('[data-testid=podflow-app]'),
    layout: q('[data-testid=podflow-app]') ? q('[data-testid=podflow-app]').dataset.layout : null,
    step: q('[data-testid=caption-step]') ? q('[data-testid=caption-step]').textContent : '',
    readout: q('[data-testid=timeline-readout]') ? q('[data-testid=timeline-readout]').textContent : '',
    playing: q('[data-testid=play]') ? q('[data-testid=play]').getAttribute('aria-pressed') : null,
    panic: !!q('#podflow-panic'),
  };
});
let framed = null;
if (frame) {
  const doc = frame.contentDocument;
  const q = s => doc && doc.querySelector(s);
  framed = {
    mounted: !!q('[data-testid=podflow-app]'),
    layout: q('[data-testid=podflow-app]') ? q('[data-testid=podflow-app]').dataset.layout : null,
    step: q('[data-testid=caption-step]') ? q('[data-testid=caption-step]').textContent : '',
    readout: q('[data-testid=timeline-readout]') ? q('[data-testid=timeline-readout]').textContent : '',
    scrolls: doc ? doc.scrollingElement.scrollHeight > frame.clientHeight + 1 : null,
  };
}
const wasmFetches = performance.getEntriesByType('resource').filter(r => r.name.endsWith('.wasm')).length;
return {apps, framed, wasmFetches, scrollY: window.scrollY, panicInPage: !!document.getElementById('podflow-panic')};
"""

PLAY_PAUSED = """
document.querySelectorAll('[data-podflow]').forEach(w => {
  const play = w.shadowRoot && w.shadowRoot.querySelector('[data-testid=play]');
  if (play && play.getAttribute('aria-pressed') !== 'true') play.click();
});
"""

passed = 0
failed = 0


def check(name: str, ok: bool, detail: str = "") -> None:
    global passed, failed
    if ok:
        passed += 1
        print(f"e2e-embed: ok      {name}")
    else:
        failed += 1
        print(f"e2e-embed: FAILED  {name}{': ' + detail if detail else ''}")


def at_end(readout: str) -> bool:
    """`entry 57 / 57t=2.830 s` → True when the position is the last entry."""
    try:
        numbers = readout.split("entry", 1)[1].split("t=", 1)[0]
        position, last = (int(n) for n in numbers.split("/"))
        return position == last and last > 0
    except (IndexError, ValueError):
        return False


def main() -> int:
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    site = sys.argv[1]
    with Browser(window_size=WINDOW_SIZE, browser_log=True) as browser:
        for page in PAGES:
            url = site + page
            # Without podflow: the loader is blocked.
            browser.cdp("Network.enable", {})
            browser.cdp("Network.setBlockedURLs", {"urls": ["*podflow.js"]})
            browser.open(url)
            time.sleep(0.5)
            without = browser.run(HOST_STYLES, PROPERTIES, HOST_SELECTORS)
            browser.cdp("Network.setBlockedURLs", {"urls": []})

            # With podflow.
            browser.open(url)
            state = None
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                state = browser.run(WIDGETS)
                if state["apps"] and all(a["mounted"] for a in state["apps"]):
                    break
                time.sleep(0.25)
            apps = state["apps"] if state else []
            check(f"{page}: every widget mounted in its shadow root ({len(apps)})",
                  bool(apps) and all(a["mounted"] for a in apps), json.dumps(apps))
            check(f"{page}: the wasm is fetched once for {len(apps)} widget(s)", state["wasmFetches"] == 1,
                  f"fetched {state['wasmFetches']} times")
            check(f"{page}: widgets are compact", all(a["layout"] == "compact" for a in apps),
                  json.dumps([a["layout"] for a in apps]))
            with_podflow = browser.run(HOST_STYLES, PROPERTIES, HOST_SELECTORS)
            changed = {k: (without.get(k), v) for k, v in with_podflow.items() if without.get(k) != v}
            check(f"{page}: the host page's own styles are unchanged ({len(without)} elements)",
                  not changed and len(without) > 10, json.dumps(changed)[:1500])

            # Play every widget (those without data-autoplay are started), then wait for their ends.
            browser.run(PLAY_PAUSED)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                state = browser.run(WIDGETS)
                framed_done = state["framed"] is None or at_end(state["framed"]["readout"])
                if all(at_end(a["readout"]) for a in state["apps"]) and framed_done:
                    break
                time.sleep(0.5)
            for i, app in enumerate(state["apps"]):
                check(f"{page}: widget {i + 1} played to the end of its story ({app['step']})",
                      at_end(app["readout"]) and not app["panic"], json.dumps(app))
            if state["framed"] is not None:
                framed = state["framed"]
                check(f"{page}: the iframe mounted in compact mode", framed["mounted"]
                      and framed["layout"] == "compact", json.dumps(framed))
                check(f"{page}: the iframe played to the end ({framed['step']})", at_end(framed["readout"]),
                      json.dumps(framed))
                check(f"{page}: the iframe's document does not scroll (podflow scrolls inside it)",
                      framed["scrolls"] is False, json.dumps(framed))
            check(f"{page}: the host page was not scrolled", state["scrollY"] == 0,
                  f"scrollY={state['scrollY']}")
            check(f"{page}: no panic", not state["panicInPage"]
                  and not any(a["panic"] for a in state["apps"]))
            try:
                logs = browser.log()
                errors = [entry["message"] for entry in logs if entry.get("level") == "SEVERE"]
                check(f"{page}: the browser logged no error", not errors, json.dumps(errors)[:1500])
            except OSError as error:
                print(f"e2e-embed: (browser log not available: {error})")
    print(f"e2e-embed: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
