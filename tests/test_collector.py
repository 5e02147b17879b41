"""flows/collector.py: the cyclic collector paused for a refresh's warehouse part, and given back."""

from __future__ import annotations

import gc
import threading

import pytest

from modeltrail.flows import collector


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_off_while_paused_and_back_after_even_on_an_error():
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("a load that failed")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_overlapping_pauses_in_two_threads_give_it_back_when_the_last_ends():
    inside, leave = threading.Event(), threading.Event()
    seen = []

    def other():
        with collector.paused():
            inside.set()
            leave.wait(10)
        seen.append(gc.isenabled())

    t = threading.Thread(target=other)
    with collector.paused():
        t.start()
        assert inside.wait(10)
    assert not gc.isenabled()  # (the other thread's pause still runs)
    leave.set()
    t.join(10)
    assert seen == [True] and gc.isenabled()


class _Held:  # (an object the collector tracks, that a weak reference can watch)
    pass


def test_kept_collects_what_was_garbage_pauses_the_block_and_freezes_what_it_built():
    import weakref
    cycle = _Held()
    cycle.me = cycle
    gone = weakref.ref(cycle)
    del cycle
    with collector.kept():
        assert gone() is None  # (the garbage so far was collected, not frozen)
        assert not gc.isenabled()
        built = [_Held() for _ in range(100)]
    assert gc.isenabled()
    tracked = {id(o) for o in gc.get_objects()}
    assert not any(id(o) in tracked for o in built)  # out of every later collection's walk
    watch = weakref.ref(built[0])
    del built
    assert watch() is None  # still freed by its reference count


def test_kept_freezes_nothing_when_the_block_raises():
    built = []
    with pytest.raises(ValueError), collector.kept():
        assert not gc.isenabled()
        built.append(_Held())
        raise ValueError("a parse that failed")
    assert gc.isenabled()
    assert any(o is built[0] for o in gc.get_objects())  # (still in the collector's sight)


def test_kept_that_does_not_apply_leaves_the_collector_as_it_is():
    built = []
    with collector.kept(False):
        assert gc.isenabled()
        built.append(_Held())
    assert any(o is built[0] for o in gc.get_objects())


def test_a_catalog_page_is_parsed_kept_and_an_html_page_as_usual(kept_calls):
    from datetime import datetime, timezone

    from modeltrail.flows import crawl_run
    from modeltrail.pipelines.handover import PageRecord
    from modeltrail.pipelines.parsing import PageParser

    when = datetime(2026, 1, 5, tzinfo=timezone.utc)
    body = b'{"gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06}}'
    catalog = PageParser("litellm")
    crawl_run._feed(catalog, PageRecord(url="https://raw.githubusercontent.com/BerriAI/litellm/main/"
                                            "model_prices_and_context_window.json", fetched_at=when,
                                        status=200, page_kind="card", body=body,
                                        content_type="application/json"))
    assert kept_calls == [True] and list(catalog.seen) == ["gpt-4o"]
    crawl_run._feed(PageParser("openai"), PageRecord(url="https://platform.openai.com/docs/models/gpt-4o",
                                                     fetched_at=when, status=404, page_kind="card"))
    assert kept_calls == [True]  # (not a catalog: parsed with the collector as it is)


def test_kept_freezes_what_it_built_before_the_collector_walks_it():
    # every collection that starts from the block's end on must find its objects frozen already (the
    # threshold of 1 makes the first allocation after the collector is back collect)
    seen = []

    def watch(phase, info):
        if phase == "start":
            seen.append(gc.get_freeze_count())

    threshold = gc.get_threshold()
    gc.set_threshold(1)
    try:
        with collector.kept():
            built = [_Held() for _ in range(100)]
            frozen_before = gc.get_freeze_count()
            gc.callbacks.append(watch)
        [_Held() for _ in range(10)]  # (allocations: collections, now the collector is back)
    finally:
        gc.callbacks.remove(watch)
        gc.set_threshold(*threshold)
    assert seen  # (the collector did run after the block)
    assert all(count >= frozen_before + len(built) for count in seen)
