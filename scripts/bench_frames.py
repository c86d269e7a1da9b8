#!/usr/bin/env python3
"""Drives headless Chromium through chromedriver (plain WebDriver over HTTP, real time: no virtual time)
to load a frame-benchmark page and print the JSON summary the page's harness writes.

Usage: bench_frames.py URL TIMEOUT_SECONDS
Starts /usr/bin/chromedriver on a free port, opens URL at 1280x800, waits until <pre id="pf-bench-result">
has text (or TIMEOUT_SECONDS pass), prints that text on stdout, and stops chromedriver.
"""

import json
import socket
import subprocess
import sys
import time
import urllib.request

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--hide-scrollbars", "--window-size=1280,800",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, method: str, path: str, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def main() -> int:
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    url, timeout = sys.argv[1], float(sys.argv[2])
    port = free_port()
    driver = subprocess.Popen(["/usr/bin/chromedriver", f"--port={port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    session = None
    try:
        for _ in range(100):
            try:
                call(base, "GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        capabilities = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": CHROMIUM_ARGS},
        }}}
        session = call(base, "POST", "/session", capabilities)["value"]["sessionId"]
        call(base, "POST", f"/session/{session}/url", {"url": url})
        deadline = time.monotonic() + timeout
        script = ("const e = document.getElementById('pf-bench-result');"
                  " return e ? e.textContent : null;")
        while time.monotonic() < deadline:
            text = call(base, "POST", f"/session/{session}/execute/sync",
                        {"script": script, "args": []})["value"]
            if text:
                print(text)
                return 0
            time.sleep(0.5)
        sys.stderr.write(f"bench_frames: no result within {timeout} s\n")
        return 1
    finally:
        if session:
            try:
                call(base, "DELETE", f"/session/{session}")
            except OSError:
                pass
        driver.terminate()
        driver.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
