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
