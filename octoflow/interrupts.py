"""Ctrl-C and SIGTERM: where they raise, and where they only ask apply to stop.

A ``KeyboardInterrupt`` raised by a signal handler lands between any two bytecodes
of the main thread, including inside ``concurrent.futures.wait`` while it holds the
futures' locks; the worker threads then block on those locks and the pool never
shuts down. So while apply schedules writes, a signal only sets an event, which
the scheduler reads between operations (:func:`stop_requested_by_signals`).
Everywhere else a signal raises ``KeyboardInterrupt`` (:func:`sigterm_interrupts`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: Set when SIGTERM stopped the run: it exits 143, not 130.
terminated = threading.Event()


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise_interrupt(signum: int, frame: Any) -> None:
    if signum == signal.SIGTERM:
        terminated.set()
    raise KeyboardInterrupt


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM interrupts as Ctrl-C does (the CLI then exits 143)."""
    if not _in_main_thread():
        yield
        return
    terminated.clear()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def stop_requested_by_signals(stop: threading.Event) -> Iterator[None]:
    """Within: the first Ctrl-C or SIGTERM sets ``stop``; a second one raises.

    Outside the main thread (an embedding application's worker) signals are not
    ours to handle, and ``stop`` is only set by the caller.
    """
    if not _in_main_thread():
        yield
        return

    def ask_to_stop(signum: int, frame: Any) -> None:
        if stop.is_set():  # asked twice: stop now
            _raise_interrupt(signum, frame)
        if signum == signal.SIGTERM:
            terminated.set()
        stop.set()

    watched = [signal.SIGTERM]
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # background jobs ignore it
        watched.append(signal.SIGINT)
    previous = {signum: signal.signal(signum, ask_to_stop) for signum in watched}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
