"""The shared throttle paces every thread and backs off after a 429."""

from __future__ import annotations

import pytest

from octoflow.client.throttle import FLOOR_PER_MINUTE, Throttle


class FakeClock:
    def __init__(self) -> None:
        self.time = 100.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep_until(self, deadline: float) -> None:
        self.slept.append(deadline - self.time)
        self.time = deadline


def test_max_rate_spaces_requests_evenly() -> None:
    clock = FakeClock()
    throttle = Throttle(max_per_minute=120, clock=clock)
    for _ in range(3):
        throttle.wait_turn()
    assert clock.slept == [0.5, 0.5]


def test_retry_after_pauses_everyone_then_rate_drops() -> None:
    clock = FakeClock()
    throttle = Throttle(max_per_minute=600, clock=clock)
    throttle.server_said_wait(2.0, rate_limited=True)
    throttle.wait_turn()
    assert clock.slept == [2.0]
    assert throttle.per_minute == 450


def test_rate_is_never_lowered_below_the_floor() -> None:
    clock = FakeClock()
    throttle = Throttle(max_per_minute=11, clock=clock)
    for _ in range(5):
        throttle.server_said_wait(0, rate_limited=True)
    assert throttle.per_minute == FLOOR_PER_MINUTE


def test_unlimited_until_the_server_objects() -> None:
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    for _ in range(50):
        throttle.wait_turn()
        clock.time += 0.1
    assert clock.slept == []
    throttle.server_said_wait(1.0, rate_limited=True)
    observed = 50 / 4.9 * 60  # 50 requests over 4.9 s
    assert throttle.per_minute == pytest.approx(observed * 0.75)


def test_a_lowered_rate_recovers_after_a_quiet_spell() -> None:
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    for _ in range(40):
        throttle.wait_turn()
        clock.time += 0.05
    throttle.server_said_wait(0, rate_limited=True)
    lowered = throttle.per_minute
    assert lowered is not None
    clock.time += 31
    throttle.wait_turn()
    assert throttle.per_minute == pytest.approx(lowered * 1.25)
    for _ in range(40):
        clock.time += 31
        throttle.wait_turn()
    assert throttle.per_minute is None


def test_too_few_requests_to_measure_means_pause_only() -> None:
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    throttle.wait_turn()
    throttle.server_said_wait(1.0, rate_limited=True)
    assert throttle.per_minute is None
    throttle.wait_turn()
    assert clock.slept == [1.0]


def test_recovery_never_exceeds_max_rate() -> None:
    clock = FakeClock()
    throttle = Throttle(max_per_minute=100, clock=clock)
    throttle.server_said_wait(0, rate_limited=True)
    for _ in range(10):
        clock.time += 31
        throttle.wait_turn()
    assert throttle.per_minute == 100
