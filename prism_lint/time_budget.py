"""A time limit for one file's check.

A file is written by a stranger, and a pathological one (a regular
expression's worst case, a parse that goes quadratic) must cost that file,
not the run: past the budget the check is interrupted and the file gets a
PRS900 finding. The interruption is a timer signal, so it applies only in a
process's main thread (the command line and its workers); elsewhere, and
where the platform has no interval timer, the check runs unbounded.
"""

from __future__ import annotations

import _signal
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TypeVar

FILE_TIME_BUDGET = 5.0  # seconds

T = TypeVar("T")


class OverBudget(BaseException):
    """The check of one file ran past its time budget (not an Exception:
    the handlers that keep one bad prompt from costing the file must let it
    through)."""


def _expired(_signum: int, _frame: FrameType | None) -> None:
    raise OverBudget


_TIMER: int | None = getattr(signal, "ITIMER_REAL", None)
_running = False  # whether a budget is being counted down in this process
_deadline: float | None = None  # when it runs out (time.monotonic)


def deadline() -> float | None:
    """When the budget being counted down runs out (``time.monotonic``), for
    work its timer signal cannot interrupt (a parse in C); None when none is,
    and in any thread but the main one, which budgets are counted in."""
    if _deadline is None or threading.current_thread() is not threading.main_thread():
        return None
    return _deadline


class budget:
    """Raise :class:`OverBudget` in the block once ``seconds`` have passed.
    Within another budget's block the enclosing one goes on counting: one
    file's first pass and full check share its budget.

    A class rather than a generator: every file of a run enters a budget
    for each step (thousands per run), and the generator's machinery and
    :mod:`signal`'s enum conversions cost more than the timer itself, so the
    handler is swapped with :mod:`_signal`'s own functions."""

    __slots__ = ("armed", "previous", "seconds")

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = FILE_TIME_BUDGET if seconds is None else seconds
        self.armed = False
        self.previous: object = None

    def __enter__(self) -> None:
        global _running, _deadline
        if (
            _running
            or _TIMER is None
            or self.seconds <= 0
            or threading.get_ident() != threading.main_thread().ident
        ):
            return
        self.previous = _signal.signal(_signal.SIGALRM, _expired)
        _deadline = time.monotonic() + self.seconds
        _signal.setitimer(_TIMER, self.seconds)
        _running = True
        self.armed = True

    def __exit__(self, *_exc: object) -> None:
        global _running, _deadline
        if not self.armed:
            return
        self.armed = False
        _signal.setitimer(_TIMER, 0)
        _running = False
        _deadline = None
        _signal.signal(_signal.SIGALRM, self.previous)  # type: ignore[arg-type]


def over_budget_message() -> str:
    return f"checking this file took longer than {FILE_TIME_BUDGET:g} s; skipped"


@contextmanager
def paused() -> Iterator[None]:
    """The budget's timer held off in the block (work that watches
    :func:`deadline` itself, and must not be interrupted inside a callback
    from C); past the block it runs on with what is left, or is spent."""
    timer = getattr(signal, "ITIMER_REAL", None)
    limit = _deadline
    if timer is None or limit is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.setitimer(timer, 0)
    try:
        yield
    finally:
        left = limit - time.monotonic()
        if left <= 0:
            raise OverBudget
        signal.setitimer(timer, left)


def within(step: Callable[[], T], over: T) -> T:
    """``step()`` within a file's budget; ``over`` when it runs past it."""
    try:
        with budget():
            return step()
    except OverBudget:
        return over
