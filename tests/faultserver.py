"""A captures server on 127.0.0.1 that misbehaves on request: the tests' hostile web.

    with FaultServer(root) as srv:
        srv.fault("/ai.azure.com/catalog/models/o1-mini", status(500))
        ... crawl srv.url ...
        srv.log   # every (path, fault name) served, in order

Paths are replay paths (/<host>/<url path>); a fault matches a request whose path starts with its
prefix, the longest prefix first ("...$" matches that path only). Without a matching fault a request is served from `root` like
modeltrail.spiders.replay does. Every fault is a function of the handler, so a test can write its own.
"""

from __future__ import annotations

import threading
import time
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

from modeltrail.spiders.replay import CaptureHandler


class FaultHandler(CaptureHandler):
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, srv: "FaultServer", **kwargs):
        self.srv = srv
        super().__init__(*args, root=srv.root, **kwargs)

    def do_GET(self):
        fault = self.srv.match(self.path)
        with self.srv.lock:
            self.srv.log.append((self.path, getattr(fault, "__name__", "ok") if fault else "ok", time.monotonic()))
        if fault is None:
            return super().do_GET()
        return fault(self)

    def do_POST(self):
        fault = self.srv.match(self.path)
        with self.srv.lock:
            self.srv.log.append((self.path, getattr(fault, "__name__", "ok") if fault else "ok", time.monotonic()))
        self.post_body()  # read before any fault answers, so a kept-alive connection stays in step
        if fault is None:
            return super().do_POST()
        return fault(self)

    def send(self, code: int, body: bytes = b"", headers: dict | None = None):
        self.send_response(code)
        headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FaultServer:
    def __init__(self, root: str | Path, host: str = "127.0.0.1", port: int = 0):
        self.root = Path(root)
        self.faults: dict[str, callable] = {}
        self.log: list[tuple[str, str, float]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), partial(FaultHandler, srv=self))
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"

    def fault(self, prefix: str, action) -> None:
        self.faults[prefix] = action

    def match(self, path: str):
        for prefix in sorted(self.faults, key=len, reverse=True):
            if _matches(path, prefix):
                return self.faults[prefix]
        return None

    def hits(self, prefix: str) -> list[tuple[str, str, float]]:
        with self.lock:
            return [entry for entry in self.log if _matches(entry[0], prefix)]

    def __enter__(self) -> "FaultServer":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _matches(path: str, prefix: str) -> bool:
    return path == prefix[:-1] if prefix.endswith("$") else path.startswith(prefix)


# --- faults ------------------------------------------------------------------------------------------

def status(code: int, headers: dict | None = None, body: bytes = b"fault"):
    def fault(h):
        h.send(code, body, headers)
    fault.__name__ = f"status_{code}"
    return fault


def body(data: bytes, content_type: str = "text/html; charset=utf-8", code: int = 200,
         content_encoding: str | None = None):
    """Serve `data` as is; with content_encoding, `data` is already encoded (e.g. gzip.compress(...))."""
    def fault(h):
        headers = {"Content-Type": content_type}
        if content_encoding:
            headers["Content-Encoding"] = content_encoding
        h.send(code, data, headers)
    fault.__name__ = "body"
    return fault


def redirect(location: str, code: int = 302):
    return status(code, {"Location": location}, b"")


def hang(seconds: float):
    """Accept the request, then say nothing for `seconds` (a server slower than the timeout)."""
    def fault(h):
        time.sleep(seconds)
        h.close_connection = True
    fault.__name__ = "hang"
    return fault


def drop(h):
    """Close the connection without a response."""
    h.close_connection = True


def truncated(data: bytes, keep: int):
    """Promise len(data) bytes, send `keep` of them, and hang up."""
    def fault(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data[:keep])
        h.wfile.flush()
        h.close_connection = True
    fault.__name__ = "truncated"
    return fault


def sequence(*actions):
    """The n-th request gets actions[n] (the last one repeats)."""
    count = [0]
    lock = threading.Lock()

    def fault(h):
        with lock:
            i = min(count[0], len(actions) - 1)
            count[0] += 1
        action = actions[i]
        if action is not None:
            return action(h)
        return CaptureHandler.do_POST(h) if h.command == "POST" else CaptureHandler.do_GET(h)
    fault.__name__ = "sequence"
    return fault
