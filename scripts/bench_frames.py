#!/usr/bin/env python3
"""Drives headless Chromium through chromedriver (plain WebDriver over HTTP, real time: no virtual time)
to load a frame-benchmark page and print the JSON summary the page's harness writes.

Usage: bench_frames.py URL TIMEOUT_SECONDS
Starts /usr/bin/chromedriver on a free port, opens URL at 1280x800, waits until <pre id="pf-bench-result">
has text (or TIMEOUT_SECONDS pass), prints that text on stdout, and stops chromedriver.
"""

import sys
import time

from webdriver import Browser


def main() -> int:
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    url, timeout = sys.argv[1], float(sys.argv[2])
    with Browser(window_size="1280,800") as browser:
        browser.open(url)
        deadline = time.monotonic() + timeout
        script = ("const e = document.getElementById('pf-bench-result');"
                  " return e ? e.textContent : null;")
        while time.monotonic() < deadline:
            text = browser.run(script)
            if text:
                print(text)
                return 0
            time.sleep(0.5)
        sys.stderr.write(f"bench_frames: no result within {timeout} s\n")
        return 1

if __name__ == "__main__":
    sys.exit(main())
