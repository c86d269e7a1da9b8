#!/usr/bin/env python3
"""Serves a built site (trunk's dist/) under a sub-path on 127.0.0.1, as a static host would.

Usage: serve_dist.py DIST SUBPATH
Copies DIST into a temporary directory at SUBPATH (e.g. sub/podflow), listens on a free port, prints the
site's URL (http://127.0.0.1:PORT/SUBPATH/) as its first line of output, then serves until killed. Anything
outside SUBPATH is a 404, so a page that asks for /podflow-web.js instead of a relative URL fails, as it
would on a real host.
"""

import functools
import http.server
import shutil
import sys
import tempfile
from pathlib import Path


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".css": "text/css",
        ".html": "text/html",
    }

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        sys.stderr.write("serve_dist: " + (format % args) + "\n")


def main() -> int:
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    dist = Path(sys.argv[1])
    subpath = sys.argv[2].strip("/")
    if not (dist / "index.html").is_file():
        sys.stderr.write(f"serve_dist: {dist}/index.html does not exist; build the site first\n")
        return 1
    root = Path(tempfile.mkdtemp(prefix="podflow-site-"))
    shutil.copytree(dist, root / subpath)
    handler = functools.partial(Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    port = server.server_address[1]
    print(f"http://127.0.0.1:{port}/{subpath}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
