"""Many users at once: heavy runs take turns, first come first served, and the waiting user is told.

All browser sessions share one server process. Without a limit, 20 sessions each starting a
100,000-trial run at once run 20 simulations side by side on 2 cores: every one is slow, memory
holds 20 runs' arrays at once and some time out. `heavy_slot()` admits at most SLOTS runs at a time
(the core count) in arrival order; a session that has to wait sees "Waiting for N runs ahead of you"
until its turn, and a session that is closed or rerun while waiting gives up its place.

After the last running simulation finishes, `release_memory()` hands freed memory back to the
operating system (gc + glibc malloc_trim), so the server's memory returns near its baseline when
sessions close instead of staying at the peak.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

SLOTS = max(1, min(4, os.cpu_count() or 1))
POLL_SECONDS = 0.3


class RunQueue:
    """A first-come-first-served gate admitting at most `slots` runs at once (thread-safe, no streamlit)."""

    def __init__(self, slots: int):
        self.slots = slots
        self._cond = threading.Condition()
        self._next_ticket = 0
        self._admitted = 0  # tickets below this have been admitted (or abandoned)
        self._abandoned: set[int] = set()
        self.running = 0

    def ticket(self) -> int:
        with self._cond:
            ticket = self._next_ticket
            self._next_ticket += 1
            return ticket

    def ahead(self, ticket: int) -> int:
        """Runs that go before this ticket: those running plus those waiting in front of it."""
        with self._cond:
            waiting_in_front = sum(1 for t in range(self._admitted, ticket) if t not in self._abandoned)
            return self.running + waiting_in_front

    def admit(self, ticket: int, timeout: float | None = None) -> bool:
        """Wait (at most `timeout` seconds) until it is this ticket's turn and a slot is free; True if admitted."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._skip_abandoned() == ticket and self.running < self.slots, timeout):
                return False
            self._admitted += 1
            self.running += 1
            self._cond.notify_all()
            return True

    def abandon(self, ticket: int) -> None:
        """A waiting session went away: its place is skipped."""
        with self._cond:
            if ticket >= self._admitted:
                self._abandoned.add(ticket)
                self._skip_abandoned()
                self._cond.notify_all()

    def done(self) -> int:
        """A run finished; returns how many are still running."""
        with self._cond:
            self.running -= 1
            self._cond.notify_all()
            return self.running

    def _skip_abandoned(self) -> int:
        while self._admitted in self._abandoned:
            self._abandoned.discard(self._admitted)
            self._admitted += 1
        return self._admitted


QUEUE = RunQueue(SLOTS)


@contextmanager
def heavy_slot(what: str, *, quiet: bool = False) -> Iterator[None]:
    """Hold one of the server's simulation slots while the body runs.

    If every slot is busy, a status box says how many runs are ahead and updates as they finish
    (`quiet=True`: wait without drawing, for use inside st.cache_data functions).
    """
    ticket = QUEUE.ticket()
    admitted = False
    try:
        admitted = QUEUE.admit(ticket, timeout=0)
        if not admitted:
            if quiet:
                admitted = QUEUE.admit(ticket)
            else:
                admitted = _wait_visibly(ticket, what)
    finally:
        if not admitted:
            QUEUE.abandon(ticket)
    try:
        yield
    finally:
        if QUEUE.done() == 0:
            release_memory()


def _wait_visibly(ticket: int, what: str) -> bool:
    slot = st.empty()
    shown = None
    while not QUEUE.admit(ticket, timeout=POLL_SECONDS if shown is not None else 0):
        ahead = QUEUE.ahead(ticket)
        if ahead != shown:  # each update is also where Streamlit can stop a closed or rerun session
            slot.info(_waiting_text(ahead, what), icon=":material/hourglass_top:")
            shown = ahead
    slot.empty()
    return True


def _waiting_text(ahead: int, what: str) -> str:
    runs = "1 run" if ahead == 1 else f"{ahead} runs"
    return (
        f"Waiting for {runs} ahead of you on this shared server ({SLOTS} at a time), then {what}; "
        "your inputs are kept and the results appear here."
    )


def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        libc.malloc_trim  # noqa: B018 - glibc only
        libc.mallopt  # noqa: B018
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _libc()
if _LIBC is not None:
    # Large arrays (a run's trials x months) always in their own mapping, returned to the OS when freed,
    # and few malloc arenas for the many session threads: without this glibc raises its mmap threshold
    # after the first free and keeps freed run arrays in per-thread heaps (RSS stayed 170 MB above the
    # baseline after 20 sessions closed in issue 14's test). M_MMAP_THRESHOLD = -3, M_ARENA_MAX = -8.
    _LIBC.mallopt(-3, 1 << 20)
    _LIBC.mallopt(-8, 2)


def release_memory() -> None:
    """Collect garbage and return free heap pages to the operating system (glibc only; gc elsewhere)."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
