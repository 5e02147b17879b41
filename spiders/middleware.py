"""Downloader middleware for replays: a request for https://host/path goes to REPLAY_BASE/host/path.

Spiders keep working with the live urls (so records carry them); only the wire goes to the replay
server. The original url rides along in meta["source_url"].
"""

from __future__ import annotations

from urllib.parse import urlsplit


class ReplayMiddleware:
    def __init__(self, base: str | None):
        self.base = base.rstrip("/") if base else None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("REPLAY_BASE"))

    def process_request(self, request, spider=None):
        if not self.base or request.meta.get("replayed") or request.url.endswith("/robots.txt"):
            return None
        parts = urlsplit(request.url)
        target = f"{self.base}/{parts.netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
        meta = dict(request.meta, replayed=True, allow_offsite=True)
        meta.setdefault("source_url", request.url)
        return request.replace(url=target, meta=meta)
