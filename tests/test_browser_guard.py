"""A rendered page that tries to reach anything but the source: WebSocket, service worker, WebRTC,
<link rel=preconnect>, fetch, and a redirect to a private address. Each is refused at the browser (by
the guard proxy every browser connection goes through, WebRTC confined to it, service workers blocked);
canaries listening on 127.0.0.1 and 127.0.0.2 must receive nothing, and the run is partial."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from modeltrail.spiders.crawl import CHROMIUM
from modeltrail.spiders.browserproxy import GuardProxy, rules
from tests.conftest import CAPTURES
from tests.faultserver import FaultServer, redirect
from tests.test_rendering import crawl as crawl_source

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")


class Canary:
    """Counts TCP connections (or UDP datagrams) on an address; stops by itself after `life` seconds."""

    def __init__(self, host: str, udp: bool = False, life: float = 300):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.udp, self.hits, self.until = udp, 0, time.monotonic() + life
        if not udp:
            self.sock.listen(16)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while time.monotonic() < self.until:
            try:
                if self.udp:
                    self.sock.recvfrom(2048)
                else:
                    self.sock.accept()[0].close()
                self.hits += 1
            except (socket.timeout, OSError):
                continue

    def close(self):
        self.until = 0
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def canaries():
    made = {"tcp": Canary("127.0.0.1"), "udp": Canary("127.0.0.1", udp=True), "private": Canary("127.0.0.2")}
    yield made
    for c in made.values():
        c.close()


HOSTILE = """
<link rel="preconnect" href="http://127.0.0.1:{tcp}">
<link rel="dns-prefetch" href="http://127.0.0.1:{tcp}">
<script>
try {{ new WebSocket("ws://127.0.0.1:{tcp}/ws"); }} catch (e) {{}}
try {{ navigator.serviceWorker.register("/sw.js"); }} catch (e) {{}}
try {{ fetch("http://127.0.0.1:{tcp}/fetch", {{mode: "no-cors"}}).catch(() => {{}}); }} catch (e) {{}}
try {{
  const pc = new RTCPeerConnection({{iceServers: [{{urls: "stun:127.0.0.1:{udp}"}}]}});
  pc.createDataChannel("x");
  pc.createOffer().then(o => pc.setLocalDescription(o));
}} catch (e) {{}}
try {{ const img = new Image(); img.src = "http://127.0.0.1:{tcp}/pixel.png"; }} catch (e) {{}}
</script>
"""


def hostile_captures(tmp_path, canaries) -> Path:
    root = tmp_path / "captures"
    shutil.copytree(CAPTURES / "www.tokenhub.link", root / "www.tokenhub.link")
    page = root / "www.tokenhub.link/models/o3-mini"
    hostile = HOSTILE.format(tcp=canaries["tcp"].port, udp=canaries["udp"].port)
    page.write_text(page.read_text().replace("</head>", hostile + "</head>"))
    (root / "www.tokenhub.link/sw.js").write_text(
        f'self.addEventListener("install", () => fetch("http://127.0.0.1:{canaries["tcp"].port}/sw"));')
    return root


def crawl(base, tmp_path):
    return crawl_source(base, tmp_path, "tokenhub")


@pytest.mark.slow
@needs_chromium
def test_a_hostile_page_reaches_nothing_and_the_run_says_so(tmp_path, canaries):
    root = hostile_captures(tmp_path, canaries)
    with FaultServer(root) as srv:
        out, verdict, reasons, cards = crawl(srv.url, tmp_path)
        time.sleep(1)  # anything in flight lands now, or never
    assert {k: c.hits for k, c in canaries.items()} == {"tcp": 0, "udp": 0, "private": 0}
    assert "o3-mini" in cards  # the page itself still rendered and parsed
    assert verdict == "partial"
    (reason,) = [r for r in reasons if "refused by the browser's guard" in r]
    assert f"127.0.0.1:{canaries['tcp'].port}" in reason and "is not the replay server" in reason


@pytest.mark.slow
@needs_chromium
def test_a_redirect_to_a_private_address_is_not_followed_by_the_browser(tmp_path, canaries):
    target = f"http://127.0.0.2:{canaries['private'].port}/inside"
    with FaultServer(CAPTURES) as srv:
        srv.fault("/www.tokenhub.link/models/o3-mini", redirect(target))
        out, verdict, reasons, cards = crawl(srv.url, tmp_path)
        time.sleep(1)
    assert canaries["private"].hits == 0
    assert verdict != "complete" and "o3-mini" not in cards
    assert any(f"127.0.0.2:{canaries['private'].port}" in r for r in reasons), reasons


def test_the_guard_rules():
    replay = rules(["tokenhub.link"], "http://127.0.0.1:8000")
    assert replay("127.0.0.1", 8000, True) is None and replay("127.0.0.1", 8000, False) is None
    assert "not the replay server" in replay("127.0.0.1", 8001, True)
    assert "not the replay server" in replay("www.tokenhub.link", 443, True)
    live = rules(["tokenhub.link"], None)
    assert live("www.tokenhub.link", 443, True) is None
    assert "only https" in live("www.tokenhub.link", 80, False)
    assert "only https" in live("www.tokenhub.link", 22, True)
    assert "not a public address" in live("10.0.0.1", 443, True)
    assert "not one of the source's domains" in live("evil.example", 443, True)


def test_the_proxy_refuses_before_connecting_and_tunnels_what_is_allowed(canaries):
    proxy = GuardProxy(rules(["x"], f"http://127.0.0.1:{canaries['tcp'].port}"))
    port = proxy.start()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(f"CONNECT 127.0.0.2:{canaries['private'].port} HTTP/1.1\r\n\r\n".encode())
            assert s.recv(100).startswith(b"HTTP/1.1 403")
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(f"GET http://127.0.0.2:{canaries['private'].port}/ HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            assert s.recv(100).startswith(b"HTTP/1.1 403")
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(f"CONNECT 127.0.0.1:{canaries['tcp'].port} HTTP/1.1\r\n\r\n".encode())
            assert s.recv(100).startswith(b"HTTP/1.1 200")
        time.sleep(0.5)
    finally:
        proxy.stop()
    assert canaries["private"].hits == 0 and canaries["tcp"].hits == 1
    assert len(proxy.refused) == 2
