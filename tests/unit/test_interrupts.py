"""While apply schedules writes, a signal asks it to stop instead of raising mid-bytecode."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from octoflow.interrupts import sigterm_interrupts, stop_requested_by_signals, terminated


@pytest.fixture(autouse=True)
def ctrl_c_reaches_this_process():
    """Ctrl-C as in a terminal: a shell starts background jobs (``pytest &``) with SIGINT
    ignored, which octoflow deliberately leaves alone."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def _send(signum: int) -> None:
    os.kill(os.getpid(), signum)
    # The handler runs in the main thread at its next bytecode; give it one.
    threading.Event().wait(0.05)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_first_signal_only_asks_to_stop_and_the_second_raises(signum: int) -> None:
    stop = threading.Event()
    before = signal.getsignal(signum)
    terminated.clear()
    with pytest.raises(KeyboardInterrupt), stop_requested_by_signals(stop):
        _send(signum)
        assert stop.is_set()
        _send(signum)
    assert terminated.is_set() is (signum == signal.SIGTERM)
    assert signal.getsignal(signum) is before


def test_sigterm_elsewhere_interrupts_and_is_remembered_as_termination() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), sigterm_interrupts():
        _send(signal.SIGTERM)
    assert terminated.is_set()
    assert signal.getsignal(signal.SIGTERM) is before


def test_outside_the_main_thread_signals_are_left_to_the_application() -> None:
    seen = []

    def worker() -> None:
        with stop_requested_by_signals(threading.Event()):
            seen.append(signal.getsignal(signal.SIGTERM))

    before = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [before]
