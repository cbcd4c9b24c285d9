"""The shared throttle paces every thread and backs off after 429s, on a virtual clock."""

from __future__ import annotations

import pytest

from octoflow.client.throttle import DEFAULT_WAIT, FLOOR_PER_MINUTE, MAX_WAIT, Throttle
from tests.e2e.support import VirtualClock


def throttle_with_clock(max_per_minute: float | None = None) -> tuple[Throttle, VirtualClock]:
    clock = VirtualClock(start=100.0)
    return Throttle(max_per_minute, clock=clock), clock


def measured(throttle: Throttle, clock: VirtualClock, count: int = 40) -> float:
    """Send ``count`` requests 0.05 s apart (about 1200/min); returns the last send time."""
    sent = 0.0
    for _ in range(count):
        sent = throttle.wait_turn()
        clock.sleep_until(clock.now() + 0.05)
    return sent


def test_max_rate_spaces_requests_evenly() -> None:
    throttle, clock = throttle_with_clock(max_per_minute=120)
    assert [throttle.wait_turn() for _ in range(3)] == [100.0, 100.5, 101.0]
    assert clock.jumps == [0.5, 0.5]


def test_a_429_pauses_every_thread_for_its_retry_after() -> None:
    throttle, clock = throttle_with_clock()
    sent = throttle.wait_turn()
    throttle.rate_limited(2.0, sent)
    assert throttle.wait_turn() == 102.0
    assert throttle.wait_turn() == 102.0, "the pause is shared, not added per thread"
    assert (throttle.storms, throttle.seconds_paused, throttle.per_minute) == (1, 2.0, None)


def test_concurrent_429s_are_one_storm_with_one_pause() -> None:
    throttle, clock = throttle_with_clock()
    in_flight = [throttle.wait_turn() for _ in range(8)]
    for sent in in_flight:  # their 429s arrive over 0.35 s
        throttle.rate_limited(1.0, sent)
        clock.sleep_until(clock.now() + 0.05)
    assert (throttle.storms, throttle.seconds_paused) == (1, 1.0)
    assert throttle.wait_turn() == 101.0
    assert throttle.per_minute is None


def test_a_429_without_retry_after_waits_a_short_default() -> None:
    throttle, _clock = throttle_with_clock()
    throttle.rate_limited(None, throttle.wait_turn())
    assert throttle.wait_turn() == 100.0 + DEFAULT_WAIT == 102.0


def test_a_huge_retry_after_is_capped() -> None:
    throttle, _clock = throttle_with_clock()
    throttle.rate_limited(86400.0, throttle.wait_turn())
    assert throttle.wait_turn() == 100.0 + MAX_WAIT


def test_429s_far_apart_never_slow_the_rate() -> None:
    throttle, clock = throttle_with_clock()
    for _ in range(40):
        sent = measured(throttle, clock, count=10)
        throttle.rate_limited(1.0, sent)
        throttle.answered(throttle.wait_turn())
    assert throttle.storms == 40
    assert throttle.per_minute is None


def test_429s_right_after_a_pause_halve_the_rate_down_to_a_floor() -> None:
    throttle, clock = throttle_with_clock()
    throttle.rate_limited(1.0, measured(throttle, clock))
    rates = []
    for _ in range(8):  # the first request after each pause is refused again
        throttle.rate_limited(1.0, throttle.wait_turn())
        rates.append(throttle.per_minute)
    # half the ~1200/min sent (pauses left out), then half again, down to the floor
    assert rates[0] == pytest.approx(600.0, rel=0.05)
    assert rates[1:4] == [rates[0] / 2, rates[0] / 4, rates[0] / 8]
    assert rates[-1] == FLOOR_PER_MINUTE == 60.0


def test_answered_requests_restore_the_rate_at_once() -> None:
    throttle, clock = throttle_with_clock()
    throttle.rate_limited(1.0, measured(throttle, clock))
    for _ in range(5):
        throttle.rate_limited(1.0, throttle.wait_turn())
    assert throttle.per_minute == FLOOR_PER_MINUTE
    rates = []
    while throttle.per_minute is not None:
        throttle.answered(throttle.wait_turn())
        rates.append(throttle.per_minute)
    assert rates == [120.0, 240.0, 480.0, 960.0, None]


def test_answers_to_requests_sent_before_the_pause_prove_nothing() -> None:
    throttle, clock = throttle_with_clock()
    sent = measured(throttle, clock)
    throttle.rate_limited(1.0, sent)
    throttle.answered(sent)  # in flight with the refused one
    throttle.rate_limited(1.0, throttle.wait_turn())
    assert throttle.storms == 2
    assert throttle.per_minute == pytest.approx(600.0, rel=0.05)


def test_too_few_requests_to_measure_means_pause_only() -> None:
    throttle, _clock = throttle_with_clock()
    throttle.rate_limited(1.0, throttle.wait_turn())
    throttle.rate_limited(1.0, throttle.wait_turn())
    assert throttle.storms == 2
    assert throttle.per_minute is None
    assert throttle.wait_turn() == 102.0


def test_backing_off_never_exceeds_max_rate() -> None:
    throttle, _clock = throttle_with_clock(max_per_minute=30)
    for _ in range(3):
        throttle.rate_limited(0.0, throttle.wait_turn())
    assert throttle.per_minute == 30
    throttle.answered(throttle.wait_turn())
    assert throttle.per_minute == 30


def test_a_lowered_max_rate_comes_back_to_max_rate() -> None:
    throttle, _clock = throttle_with_clock(max_per_minute=600)
    for _ in range(3):
        throttle.rate_limited(0.0, throttle.wait_turn())
    assert throttle.per_minute == 150
    for _ in range(2):
        throttle.answered(throttle.wait_turn())
    assert throttle.per_minute == 600
