"""Before a live crawl: do the source's hosts resolve at all? Without a network (or a DNS server) a crawl
would spend its whole retry budget (~100 s) failing on every page; this answers in seconds, once, with
the reason a person can act on.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Timeout
from typing import Callable, Iterable
from urllib.parse import urlsplit

RESOLVE_TIMEOUT = 5.0

Resolver = Callable[[str], object]


def _getaddrinfo(host: str) -> object:
    return socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)


def unresolved(urls: Iterable[str], resolve: Resolver | None = None,
               timeout: float = RESOLVE_TIMEOUT) -> str | None:
    """None when at least one host of `urls` resolves; else one line saying which did not, and why."""
    resolve = resolve or _getaddrinfo
    hosts = list(dict.fromkeys(h for h in (urlsplit(u).hostname for u in urls) if h))
    if not hosts:
        return None
    errors = []
    pool = ThreadPoolExecutor(max_workers=len(hosts))
    try:
        futures = {h: pool.submit(resolve, h) for h in hosts}
        for host, future in futures.items():
            try:
                future.result(timeout=timeout)
                return None
            except Timeout:
                errors.append(f"{host} (no answer in {timeout:g} s)")
            except OSError as exc:
                errors.append(f"{host} ({getattr(exc, 'strerror', None) or exc})")
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return f"cannot resolve {', '.join(errors)}: no network or no DNS here? nothing was fetched"
