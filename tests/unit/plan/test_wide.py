"""When a selection is a wide change, and how thresholds are written."""

from __future__ import annotations

import pytest

from octoflow.errors import UsageError
from octoflow.plan.wide import DEFAULT, WidePolicy


@pytest.mark.parametrize(
    ("selected", "total", "wide"),
    [
        (101, 200, True),  # more than half and more than 100
        (100, 199, False),  # more than half, but not more than 100
        (400, 1000, False),  # more than 100, but not more than half
        (4, 4, True),  # every document
        (1, 1, False),  # the one document of a collection of one
        (0, 1000, False),
    ],
)
def test_the_default_threshold(selected, total, wide) -> None:
    assert DEFAULT.is_wide(selected, total) is wide


@pytest.mark.parametrize(
    ("selected", "total", "wide"),
    [
        (4, 4, False),  # "every lifecycle" of a few: says what it means
        (101, 101, True),  # every document past the threshold
        (101, 200, True),
    ],
)
def test_a_statement_without_a_filter_is_wide_only_past_the_threshold(
    selected, total, wide
) -> None:
    assert DEFAULT.is_wide(selected, total, whole_is_wide=False) is wide


def test_parse_reads_percent_and_count() -> None:
    assert WidePolicy.parse("80%,500") == WidePolicy(80, 500)
    assert WidePolicy.parse(" 12.5% , 0 ") == WidePolicy(12.5, 0)


def test_a_hundred_percent_means_nothing_is_wide() -> None:
    never = WidePolicy.parse("100%,0")
    assert not never.is_wide(1000, 1000)
    assert not never.is_wide(999, 1000)


@pytest.mark.parametrize("text", ["80", "80%", "80,500", "%,1", "120%,5", "50%,-1", "x%,y", ""])
def test_a_malformed_threshold_is_refused_with_an_example(text) -> None:
    with pytest.raises(UsageError, match="is not PERCENT%,COUNT: write e.g. 80%,500"):
        WidePolicy.parse(text)
