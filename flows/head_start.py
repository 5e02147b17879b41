"""A replay's first crawls, started while Prefect starts: the crawl tasks then take them over.

A one-off `modeltrail refresh --replay` spends its first ~2 s of CPU importing Prefect and its server
(bench/RESULTS.md section 11) on one core, while the crawls it will run wait for the flow. A replay's
crawl reads captures, so what it fetches does not depend on when it starts: the CLI starts the first
crawls (as many as the flow runs at once) before it imports Prefect, in the folder the flow's crawls go
to, with the replay served the way the flow would serve it. The flow then uses that server
(`serving`), and each crawl task takes the crawl of its source (`take`) and reads it as it would read
one it had started itself (flows/crawl_run.py `crawl(started=...)`); a retry starts a new one. Prefect
still runs and records every task: only the subprocess began earlier. A crawl nobody took (the flow
refused the run before crawling) is stopped when the block ends. Live crawls are not started early: when
they fetch is part of what they see.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Iterator

from modeltrail.flows import crawl_run, stopping
from modeltrail.spiders import replay as replay_server

#: crawls a refresh runs at once (its flow's task runner), and so the most started early
MAX_PARALLEL_CRAWLS = 3

#: what was started early in this process: the replay folder served and its url, the crawls' folder,
#: and the crawls, by (source, replay url)
_early: dict = {}


@contextlib.contextmanager
def crawls(names: list[str], replay: str | None, count: int = MAX_PARALLEL_CRAWLS) -> Iterator[None]:
    """Start the crawls of the first `count` sources of a replay now, for the flow run in this block."""
    if replay is None or _early:
        yield
        return
    with contextlib.ExitStack() as stack:
        try:
            if "://" in replay:
                base = replay_server.check_base_url(replay)
            else:
                base = stack.enter_context(replay_server.serve(replay))
        except (ValueError, OSError):
            yield  # the flow says what is wrong with it, in its own words
            return
        workdir = stopping.crawl_dir()
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        stopping.running(workdir=workdir)
        _early.update(folder=replay, base=base, workdir=workdir, crawls={})
        stack.callback(_early.clear)
        stack.callback(_stop_untaken)
        for name in names[:count]:
            out = Path(workdir) / f"{name}-early"
            _early["crawls"][(name, base)] = crawl_run.start(name, out, replay=base)
        yield


def _stop_untaken() -> None:
    for started in _early.get("crawls", {}).values():
        crawl_run.stop(started)
    _early.get("crawls", {}).clear()


@contextlib.contextmanager
def serving(replay: str) -> Iterator[str]:
    """The url a replay folder is served at: the early server's, or a server of its own for the block."""
    if _early.get("folder") == replay:
        yield _early["base"]
    else:
        with replay_server.serve(replay) as base:
            yield base


def workdir() -> str | None:
    """The folder the early crawls write to (the flow's crawls go there too), if any."""
    return _early.get("workdir")


def take(source: str, replay: str | None) -> crawl_run.Started | None:
    """The crawl of `source` from `replay` started early, once (None: start one)."""
    return _early.get("crawls", {}).pop((source, replay), None)
