"""Downloader middleware: where requests may go, robots.txt, retries, and replays.

Order (lower runs first on the way out):
  30 DomainGuard       every request, redirects included, stays on the source's own domains
  40 ReplayMiddleware  in a replay, https://host/path goes to REPLAY_BASE/host/path instead
 100 RobotsMiddleware  robots.txt of the real host, obeyed; a robots.txt that fails means "disallow"
 550 PoliteRetry       bounded retries with backoff, Retry-After honoured up to a maximum
"""

from __future__ import annotations

import ipaddress
import logging
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)


def _replay_base(crawler) -> str | None:
    base = crawler.settings.get("REPLAY_BASE")
    return base.rstrip("/") if base else None


def live_url(url: str, base: str | None) -> str:
    """The url a request stands for: in a replay, REPLAY_BASE/host/path stands for https://host/path."""
    if base and url.startswith(base + "/"):
        return "https://" + url[len(base) + 1:]
    return url


def on_domains(host: str | None, domains) -> bool:
    host = (host or "").lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def public_host(host: str | None) -> bool:
    """False for an address literal that is private, loopback, link-local (cloud metadata), reserved."""
    try:
        ip = ipaddress.ip_address((host or "").strip("[]"))
    except ValueError:
        return (host or "").lower() not in ("localhost", "localhost.localdomain") and bool(host)
    return ip.is_global


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _named_ports(spider) -> set[int]:
    """Ports the source's own start urls name (e.g. a source served on :8443)."""
    ports = set()
    for url in getattr(spider, "start_urls", None) or []:
        try:
            if (p := urlsplit(url).port) is not None:
                ports.add(p)
        except ValueError:
            pass
    return ports


class DomainGuard:
    """Refuse any request, redirects included, outside the spider's allowed_domains or to a non-public
    address. In a replay, requests to the replay server itself are the only loopback traffic allowed."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.base = _replay_base(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        if self.base and request.url.startswith(self.base + "/"):
            return None  # already rewritten to the replay server; checked before it was
        spider = self.crawler.spider
        parts = urlsplit(request.url)
        domains = getattr(spider, "allowed_domains", None) or []
        why = None
        try:
            port = parts.port
        except ValueError:
            port = -1
        if parts.scheme not in ("http", "https"):
            why = f"scheme {parts.scheme!r} is not http(s)"
        elif port is not None and port != _DEFAULT_PORTS[parts.scheme] and port not in _named_ports(spider):
            why = (f"port {parts.port if port != -1 else '?'} of {parts.hostname} is not the default "
                   f"port (nor one the source's start urls name)")
        elif not public_host(parts.hostname):
            why = f"{parts.hostname} is not a public address"
        elif domains and not on_domains(parts.hostname, domains):
            why = f"{parts.hostname} is not one of the source's domains ({', '.join(domains)})"
        if why is None:
            return None
        self.crawler.stats.inc_value("modeltrail/refused_requests")
        came_from = request.meta.get("redirect_urls")
        what = f"redirect from {came_from[-1]} to {request.url}" if came_from else f"request to {request.url}"
        raise IgnoreRequest(f"refused {what}: {why}")


class ReplayMiddleware:
    """A request for https://host/path goes to REPLAY_BASE/host/path. Spiders keep the live urls (so
    records carry them); the original url rides along in meta["source_url"], the live form of the
    current one in meta["live_url"]."""

    def __init__(self, base: str | None):
        self.base = base

    @classmethod
    def from_crawler(cls, crawler):
        return cls(_replay_base(crawler))

    def process_request(self, request, spider=None):
        if not self.base or request.url.startswith(self.base + "/"):
            return None
        parts = urlsplit(request.url)
        target = f"{self.base}/{parts.netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
        meta = dict(request.meta, live_url=request.url, allow_offsite=True)
        meta.setdefault("source_url", request.url)
        return request.replace(url=target, meta=meta)


class _DisallowAll:
    def __init__(self, network: bool):
        self.network = network  # robots.txt could not be fetched at all (vs. answered 5xx)

    def allowed(self, url, user_agent) -> bool:
        return False


class RobotsUnreachable(IgnoreRequest):
    """Not fetched because the host's robots.txt could not be fetched at all: a network failure (the
    refresh flow retries the crawl later), not a refusal."""


class RobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, for the real host (also in replays), failing closed: a
    robots.txt that answers 5xx, or cannot be fetched at all, disallows the whole host for this run."""

    async def process_request(self, request, spider=None):
        if request.meta.get("dont_obey_robotstxt"):
            return
        live = request.replace(url=request.meta.get("live_url", request.url))
        rp = await self.robot_parser(live)
        if isinstance(rp, _DisallowAll):
            self._stats.inc_value("robotstxt/forbidden")
            error = RobotsUnreachable if rp.network else IgnoreRequest
            raise error(f"not fetched: robots.txt of {urlsplit(live.url).netloc} could not be read (fail closed)")
        self.process_request_2(rp, live)

    async def _parse_robots(self, response, netloc, request):
        if response.status >= 500:
            self._fail_closed(netloc, f"HTTP {response.status}", network=False)
            return
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc, netloc):
        if isinstance(exc, IgnoreRequest):
            return super()._robots_error(exc, netloc)
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._fail_closed(netloc, f"{type(exc).__name__}: {exc}"[:200], network=True)

    def _fail_closed(self, netloc: str, why: str, network: bool) -> None:
        logger.warning("robots.txt of %s failed (%s): nothing will be fetched from it", netloc, why)
        self._stats.set_value(f"robotstxt/fail_closed/{netloc}", why)
        pending = self._parsers[netloc]
        self._parsers[netloc] = _DisallowAll(network)
        pending.callback(self._parsers[netloc])


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None when absent or
    unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class PoliteRetry(RetryMiddleware):
    """Scrapy's bounded retries (RETRY_TIMES) that wait before each retry: RETRY_BACKOFF_BASE * 2^n
    seconds (at most RETRY_BACKOFF_MAX), or what a 429/503's Retry-After asks, if that is at most
    RETRY_AFTER_MAX; a longer Retry-After ends the page's retries at once."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 60.0)

    def _backoff(self, request) -> float:
        return min(self.backoff_max, self.backoff_base * 2 ** request.meta.get("retry_times", 0))

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            from twisted.internet import reactor, task  # not at import: Scrapy installs the reactor first
            await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = self._backoff(request)
        if response.status in (429, 503):
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None and asked > self.retry_after_max:
                self.crawler.stats.inc_value("retry/retry_after_too_long")
                return response  # the page fails now, with its status and the Retry-After it sent
            if asked is not None:
                wait = asked
                self.crawler.stats.inc_value("retry/retry_after_honoured")
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(wait)
        return retry

    async def process_exception(self, request, exception, spider=None):
        retry = super().process_exception(request, exception)
        if retry is not None:
            await self._wait(self._backoff(request))
        return retry


class BrowserGuard:
    """scrapy-playwright's PLAYWRIGHT_ABORT_REQUEST: what a rendered page may load by itself. Scripts,
    styles, data and documents from the source's own hosts (in a replay: the replay server alone);
    never images, fonts or media, never any other host."""

    BLOCKED_TYPES = {"image", "font", "media", "imageset", "texttrack", "object", "beacon", "csp_report"}

    def __init__(self, allowed_domains: list[str], replay: str | None):
        self.domains = [d.lower() for d in allowed_domains]
        self.replay = urlsplit(replay).netloc if replay else None
        self.blocked = 0

    def __call__(self, request) -> bool:
        if request.resource_type in self.BLOCKED_TYPES:
            self.blocked += 1
            return True
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return False
        allowed = (parts.netloc == self.replay) if self.replay else (
            parts.scheme == "https" and public_host(parts.hostname) and on_domains(parts.hostname, self.domains))
        if not allowed:
            self.blocked += 1
            logger.info("browser request refused: %s %s", request.resource_type, request.url)
        return not allowed
