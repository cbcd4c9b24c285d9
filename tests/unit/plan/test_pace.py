"""The plan's apply-time wording under a rate limit."""

from __future__ import annotations

import pytest

from octoflow.client.budget import Policy
from octoflow.plan.pace import apply_time, duration, pace_text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.2, "1 s"),
        (45, "45 s"),
        (60, "1 min"),
        (130, "2 min 10 s"),
        (3600, "1 h"),
        (3900.5, "1 h 5 min"),
    ],
)
def test_durations_read_as_people_say_them(seconds, text):
    assert duration(seconds) == text


def test_the_burst_goes_at_once_and_the_rest_at_the_rate():
    assert apply_time(634, Policy(200, 200)) == {
        "requests_per_minute": 200,
        "burst": 200,
        "apply_seconds": 131,  # 434 requests at 200/min: 130.2 s, rounded up
    }
    assert (
        pace_text(apply_time(634, Policy(200, 200)))
        == "≈ 2 min 11 s at 200 requests/min (burst 200)"
    )
    assert pace_text(apply_time(150, Policy(7.5, 200))) == (
        "within the server's burst (7.5 requests/min, burst 200)"
    )
    assert apply_time(634, None) is None
