"""A minimal WebDriver client for headless Chromium through /usr/bin/chromedriver (plain HTTP, no
Selenium), shared by scripts/bench_frames.py and scripts/e2e_embed.py.

    with Browser(window_size="1280,800") as browser:
        browser.open(url)
        value = browser.run("return document.title;")
"""

import json
import socket
import subprocess
import time
import urllib.request

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--hide-scrollbars",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, method: str, path: str, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read() or b"null")


class Browser:
    """One chromedriver and one browser session, stopped on leaving the `with` block."""

    def __init__(self, window_size: str = "1280,800", browser_log: bool = False):
        self.window_size = window_size
        self.browser_log = browser_log
        self.driver = None
        self.base = ""
        self.session = None

    def __enter__(self):
        port = free_port()
        self.driver = subprocess.Popen(["/usr/bin/chromedriver", f"--port={port}"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                call(self.base, "GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        always = {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium",
                                   "args": CHROMIUM_FLAGS + [f"--window-size={self.window_size}"]},
        }
        if self.browser_log:
            always["goog:loggingPrefs"] = {"browser": "ALL"}
        reply = call(self.base, "POST", "/session", {"capabilities": {"alwaysMatch": always}})
        self.session = reply["value"]["sessionId"]
        return self

    def __exit__(self, *exc):
        if self.session:
            try:
                call(self.base, "DELETE", f"/session/{self.session}")
            except OSError:
                pass
        if self.driver:
            self.driver.terminate()
            self.driver.wait(timeout=10)
        return False

    def _call(self, method: str, path: str, body=None):
        return call(self.base, method, f"/session/{self.session}{path}", body)

    def open(self, url: str) -> None:
        self._call("POST", "/url", {"url": url})

    def run(self, script: str, *args):
        """Runs `script` in the page (WebDriver execute/sync) and returns its value."""
        return self._call("POST", "/execute/sync", {"script": script, "args": list(args)})["value"]

    def cdp(self, command: str, params: dict):
        """A Chrome DevTools Protocol command (e.g. Network.setBlockedURLs)."""
        return self._call("POST", "/goog/cdp/execute", {"cmd": command, "params": params})

    def log(self) -> list:
        """The browser's console log since the last call (needs browser_log=True)."""
        return self._call("POST", "/se/log", {"type": "browser"})["value"]
