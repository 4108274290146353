"""Many sessions at once: the run queue admits at most `slots` runs in arrival order; the shared view cache is bounded."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd

from ui.runqueue import RunQueue
from ui.simcache import FunnelView, SharedViews


def test_at_most_slots_run_at_once_and_in_arrival_order():
    queue = RunQueue(2)
    tickets = [queue.ticket() for _ in range(5)]
    assert queue.admit(tickets[0], timeout=0) and queue.admit(tickets[1], timeout=0)
    assert not queue.admit(tickets[2], timeout=0)  # both slots busy
    assert queue.ahead(tickets[4]) == 2 + 2  # two running, tickets 2 and 3 in front
    assert not queue.admit(tickets[3], timeout=0.05)  # not its turn even when a slot frees
    queue.done()
    assert not queue.admit(tickets[3], timeout=0)
    assert queue.admit(tickets[2], timeout=0)
    queue.done()
    assert queue.admit(tickets[3], timeout=0)


def test_a_session_that_leaves_the_queue_gives_up_its_place():
    queue = RunQueue(1)
    first, leaver, last = queue.ticket(), queue.ticket(), queue.ticket()
    assert queue.admit(first, timeout=0)
    queue.abandon(leaver)
    assert queue.ahead(last) == 1
    assert queue.done() == 0
    assert queue.admit(last, timeout=0)


def test_threads_never_exceed_the_slots():
    queue, peak, lock = RunQueue(2), [0], threading.Lock()

    def work():
        ticket = queue.ticket()
        assert queue.admit(ticket, timeout=10)
        with lock:
            peak[0] = max(peak[0], queue.running)
        time.sleep(0.01)
        queue.done()

    threads = [threading.Thread(target=work) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert peak[0] == 2 and queue.running == 0


def _view(n: int) -> FunnelView:
    frame = pd.DataFrame({"a": [1.0]})
    return FunnelView(None, frame, frame, frame, frame, np.zeros(n))


def test_shared_views_are_bounded_in_entries_and_bytes():
    views = SharedViews(max_entries=3, max_bytes=10_000_000, ttl=3600)
    for k in range(5):
        views.put(str(k), _view(10))
    assert len(views) == 3 and views.get("0") is None and views.get("4") is not None
    views = SharedViews(max_entries=100, max_bytes=2_000_000, ttl=3600)
    for k in range(5):
        views.put(str(k), _view(100_000))  # 800 kB of thresholds each
    assert views.nbytes <= 2_000_000 and len(views) == 2
    views.put("huge", _view(1_000_000))  # larger than the whole cache: not kept
    assert views.get("huge") is None


def test_shared_views_expire():
    views = SharedViews(ttl=0.01)
    views.put("a", _view(10))
    time.sleep(0.02)
    assert views.get("a") is None
