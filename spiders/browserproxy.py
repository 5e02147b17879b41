"""The only way out of the browser: a small HTTP proxy on 127.0.0.1 that Chromium must use for every
connection it opens, enforcing the same rules as DomainGuard.

Playwright's request routing sees requests, not connections: it misses redirects the browser follows,
WebSockets, service workers, `<link rel=preconnect>` and WebRTC. A proxy sees every TCP connection the
browser opens (Chromium is started with `--proxy-server` and `--proxy-bypass-list=<-loopback>`, so
loopback addresses go through it too), and WebRTC is confined to proxied traffic, which means no UDP
at all. Each connection is checked before it is made:

- in a replay, only the replay server's own address;
- live, only https (port 443) to the source's own domains, never a non-public address.

Everything refused is answered 403, never connected to, and listed (`refused`), so that the crawl can
say which page tried what and judge the run partial.

Every byte the browser receives passes the download cap Scrapy's downloads have (`max_bytes`,
MODELTRAIL_MAX_PAGE_BYTES): a connection that brings more is cut and listed. Over plain http (a replay)
the proxy also reads the response: a gzip or deflate body is decompressed as it passes, only to be
counted, and cut past the same cap (a gzip bomb grew a renderer to 2 GB); an encoding it cannot count
(br, zstd, or compressed and chunked) is cut at once. Over https the bytes are sealed: the wire cap
holds, and Chromium's own limits (one renderer per site, a small JS heap) bound what it unpacks.
"""

from __future__ import annotations

import asyncio
import threading
import zlib
from typing import Callable
from urllib.parse import urlsplit

from modeltrail.spiders.middleware import on_domains, public_host

#: a request head larger than this is refused (no proxy is owed a megabyte of headers)
MAX_HEAD = 64 * 1024
#: Chromium's own services (sign-in, updates, safe browsing), which it calls whatever its flags say:
#: refused like everything else, but listed apart, as the browser's doing rather than the page's
BROWSER_SERVICES = ("google.com", "googleapis.com", "gvt1.com", "gstatic.com")


def rules(allowed_domains: list[str], replay: str | None) -> Callable[[str, int, bool], str | None]:
    """(host, port, tunnel) -> None when allowed, else why not."""
    domains = [d.lower() for d in allowed_domains]
    replay_parts = urlsplit(replay) if replay else None

    def check(host: str, port: int, tunnel: bool) -> str | None:
        host = host.strip("[]").lower()
        if replay_parts is not None:
            if host == (replay_parts.hostname or "").lower() and port == replay_parts.port:
                return None
            return f"{host}:{port} is not the replay server"
        if not public_host(host):
            return f"{host} is not a public address"
        if not on_domains(host, domains):
            return f"{host} is not one of the source's domains ({', '.join(domains)})"
        if not tunnel or port != 443:
            return f"{host}:{port}: only https on port 443"
        return None
    return check


class _Cut(Exception):
    """A response over the cap: the connection is dropped."""


class BodyMeter:
    """Counts what a plain-http response brings, on the wire and decompressed (its head read first);
    raises _Cut past `cap` or on a body it cannot count."""

    def __init__(self, cap: int):
        self.cap, self.wire, self.body = cap, 0, 0
        self.head = b""
        self.inflate: "zlib._Decompress | None" = None
        self.started = False

    def feed(self, data: bytes) -> None:
        self.wire += len(data)
        if self.wire > self.cap:
            raise _Cut(f"more than {self.cap:,} bytes")
        if not self.started:
            self.head += data
            if b"\r\n\r\n" not in self.head:
                if len(self.head) > MAX_HEAD:
                    raise _Cut("response head too large")
                return
            head, _, data = self.head.partition(b"\r\n\r\n")
            self.started = True
            fields = {k.strip().lower(): v.strip().lower() for k, _, v in
                      (line.partition(b":") for line in head.split(b"\r\n")[1:])}
            encoding = fields.get(b"content-encoding", b"identity")
            if encoding in (b"gzip", b"x-gzip", b"deflate"):
                if b"chunked" in fields.get(b"transfer-encoding", b""):
                    raise _Cut("a compressed, chunked body the proxy cannot count")
                self.inflate = zlib.decompressobj(47)  # gzip or zlib header
            elif encoding != b"identity":
                raise _Cut(f"a body in {encoding.decode('latin-1')} the proxy cannot count")
        if self.inflate is None:
            return
        pending = data
        while pending:
            out = self.inflate.decompress(pending, 1 << 20)
            self.body += len(out)
            if self.body > self.cap:
                raise _Cut(f"more than {self.cap:,} bytes once decompressed")
            pending = self.inflate.unconsumed_tail
            if self.inflate.eof:
                return


class GuardProxy:
    """Runs in a thread of its own (its own event loop), so that it serves the browser whatever the
    crawl's reactor is doing. `start()` returns the port. `max_bytes`: the cap on what one connection
    may bring the browser (None: none)."""

    def __init__(self, check: Callable[[str, int, bool], str | None], idle_timeout: float = 60,
                 max_bytes: int | None = None):
        self.check = check
        self.max_bytes = max_bytes
        self.idle_timeout = idle_timeout
        self.refused: list[str] = []       # what the pages tried
        self.background: list[str] = []    # what Chromium itself tried (BROWSER_SERVICES)
        self.allowed = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    def start(self) -> int:
        self._thread = threading.Thread(target=self._run, name="browser-guard-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the browser's guard proxy did not start")
        return self.port

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            self._loop.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.idle_timeout)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ConnectionError):
            writer.close()
            return
        if len(head) > MAX_HEAD:
            return await self._refuse(writer, "?", "request head too large")
        line, _, rest = head.partition(b"\r\n")
        try:
            method, target, _version = line.decode("latin-1").split(" ", 2)
        except ValueError:
            return await self._refuse(writer, "?", "not an HTTP request")
        tunnel = method.upper() == "CONNECT"
        if tunnel:
            host, _, port_text = target.rpartition(":")
            forward = b""
        else:
            parts = urlsplit(target)
            if parts.scheme != "http" or not parts.hostname:
                return await self._refuse(writer, target, "not an absolute http url")
            host, port_text = parts.hostname, str(parts.port or 80)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            headers = [h for h in rest.split(b"\r\n") if h and not h.lower().startswith(
                (b"proxy-connection:", b"connection:", b"keep-alive:", b"accept-encoding:"))]
            headers.append(b"Accept-Encoding: gzip, deflate")  # encodings the proxy can count
            # one request per connection: a kept-alive connection could carry the next one elsewhere
            forward = (f"{method} {path} HTTP/1.1\r\n".encode("latin-1") + b"\r\n".join(headers)
                       + b"\r\nConnection: close\r\n\r\n")
        try:
            port = int(port_text)
        except ValueError:
            return await self._refuse(writer, target, "no port")
        why = self.check(host, port, tunnel)
        if why is not None:
            return await self._refuse(writer, f"{host}:{port}", why)
        try:
            up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(host.strip("[]"), port), 15)
        except (OSError, asyncio.TimeoutError):
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await _close(writer)
            return
        self.allowed += 1
        if tunnel:
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            up_writer.write(forward)
        meter = None
        if self.max_bytes is not None:
            meter = BodyMeter(self.max_bytes)
            if tunnel:  # sealed: the wire bytes only
                meter.started = True
        await asyncio.gather(self._pipe(reader, up_writer),
                             self._pipe(up_reader, writer, meter, f"{host}:{port}", up_writer))

    async def _pipe(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter, meter: BodyMeter | None = None,
                    target: str = "", upstream: asyncio.StreamWriter | None = None) -> None:
        try:
            while data := await asyncio.wait_for(src.read(65536), self.idle_timeout):
                if meter is not None:
                    meter.feed(data)
                dst.write(data)
                await dst.drain()
        except _Cut as cut:
            self.refused.append(f"{target} (a response of {cut}: over the download cap, cut)")
            if upstream is not None:
                await _close(upstream)
        except (ConnectionError, asyncio.TimeoutError, OSError, zlib.error):
            pass
        finally:
            await _close(dst)

    async def _refuse(self, writer: asyncio.StreamWriter, target: str, why: str) -> None:
        host = target.rsplit(":", 1)[0].strip("[]")
        (self.background if on_domains(host, BROWSER_SERVICES) else self.refused).append(f"{target} ({why})")
        writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await _close(writer)


async def _close(writer: asyncio.StreamWriter) -> None:
    try:
        writer.close()
        await writer.wait_closed()
    except (ConnectionError, OSError):
        pass
