"""Serve a captures folder (laid out as <host>/<url path>) on 127.0.0.1, for offline crawls.

A url path ending in "/" or naming a folder is served from that folder's index.html. A page rendered
in a browser asks for its scripts and data by path on its own host (/static/app.js): those are served
from the referring page's host folder. Nothing outside the folder is ever served, and the server binds
to the loopback address only.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit


LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
#: the largest POST body the replay server reads (a search request is a few hundred bytes)
MAX_POST = 64 * 1024


def check_base_url(url: str) -> str:
    """A replay server's address: http://127.0.0.1:PORT, http://[::1]:PORT or http://localhost:PORT, and
    nothing more (no path, query, fragment or credentials: a replay never points the crawler at a chosen
    target). Returns it without a trailing slash; raises ValueError saying what is wrong."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{url!r} is not a replay server address ({exc})") from None
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS or port is None:
        raise ValueError(f"{url!r}: a replay server is http://127.0.0.1:PORT, http://[::1]:PORT or "
                         "http://localhost:PORT (this machine only)")
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query or parts.fragment \
            or url.rstrip("/").endswith(("#", "?")):
        raise ValueError(f"{url!r}: a replay server address has no path, query, fragment or user; "
                         f"give http://{parts.netloc}")
    return f"http://{parts.netloc}"


def _inside(root: Path, url_path: str) -> Path | None:
    """The path under root that a request path names, or None when it would leave root."""
    rel = unquote(urlsplit(url_path).path).lstrip("/")
    if "\x00" in rel:
        return None
    target, root = (root / rel).resolve(), root.resolve()
    return target if target == root or root in target.parents else None


def resolve(root: Path, url_path: str) -> Path | None:
    """The file that serves a request path, or None. Refuses anything that leaves root."""
    target = _inside(root, url_path)
    if target is not None and target.is_dir():
        target = target / "index.html"
    return target if target is not None and target.is_file() else None


def resolve_dir(root: Path, url_path: str) -> Path | None:
    """The folder a POST's url path names (never root itself), or None."""
    target = _inside(root, url_path)
    return target if target is not None and target != root.resolve() and target.is_dir() else None


def content_type(path: Path, head: bytes) -> str:
    if path.suffix == ".md":
        return "text/plain; charset=utf-8"
    if path.suffix == ".js":
        return "text/javascript; charset=utf-8"
    if path.suffix == ".json" or head.lstrip()[:1] in (b"{", b"["):
        return "application/json"
    guessed = mimetypes.guess_type(path.name)[0]
    if guessed and guessed != "application/octet-stream":
        return guessed + ("; charset=utf-8" if guessed.startswith("text/") else "")
    return "text/html; charset=utf-8" if head.lstrip()[:1] == b"<" else "text/plain; charset=utf-8"


class CaptureHandler(BaseHTTPRequestHandler):
    server_version = "modeltrail-replay"

    def __init__(self, *args, root: Path, **kwargs):
        self.root = root
        super().__init__(*args, **kwargs)

    def do_GET(self):
        path = resolve(self.root, self.path) or self._from_referer()
        if path is None:
            self.send_error(404, "not in the captures")
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", content_type(path, body[:64]))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        """A search API answers by the continuation token in its JSON body: the folder of the url path
        holds one response per token, `<token, percent-encoded>.json`, and `_start.json` for the first
        page (no token)."""
        raw = self.post_body()
        folder = resolve_dir(self.root, self.path)
        try:
            body = json.loads(raw or b"{}")
            token = (body.get("indexEntitiesRequest") or {}).get("continuationToken")
        except (ValueError, AttributeError):
            token = None
        name = "_start.json" if not token else quote(str(token), safe="") + ".json"
        path = folder / name if folder is not None else None
        if path is None or not path.is_file():
            self.send_error(404, "not in the captures")
            return
        data = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_one_request(self):
        self._body = None  # one handler serves every request of a kept-alive connection
        super().handle_one_request()

    def post_body(self) -> bytes:
        """The request's body, read once (at most MAX_POST bytes)."""
        if getattr(self, "_body", None) is None:
            length = int(self.headers.get("Content-Length") or 0)
            self._body = self.rfile.read(min(length, MAX_POST))
        return self._body

    def _from_referer(self) -> Path | None:
        """A page rendered from the replay asks for /static/app.js (a path on its own host): serve it
        from the folder of the host the referring page came from (/<host>/static/app.js)."""
        referer = self.headers.get("Referer") or ""
        host = unquote(urlsplit(referer).path).lstrip("/").split("/", 1)[0]
        if not host or "." not in host or self.path.startswith(f"/{host}/"):
            return None
        return resolve(self.root, f"/{host}{self.path}")

    def log_message(self, *args):
        pass


@contextmanager
def serve(root: str | Path, host: str = "127.0.0.1"):
    """Serve `root` on a free loopback port for the duration of the block; yields the base url."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"replay folder {root} does not exist")
    server = ThreadingHTTPServer((host, 0), partial(CaptureHandler, root=root))
    server.daemon_threads = True
    # shutdown() waits for serve_forever's next poll: 0.05 s, not the default 0.5 s, at every refresh's end
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
