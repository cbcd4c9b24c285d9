"""How a rollout splits a plan into stages, and how its settings are written."""

from __future__ import annotations

import pytest

from octoflow.apply.stages import FailureLimit, Pause, Rollout, describe_positions
from octoflow.errors import UsageError
from octoflow.plan.model import Operation


def ops(*deps: tuple[str, ...]) -> list[Operation]:
    """Operations a, b, c… in that order; ``deps[i]`` are what the i-th depends on."""
    return [
        Operation(chr(97 + i), "update", "Tenant", f"Tenants-{i}", chr(97 + i), (), (), d)
        for i, d in enumerate(deps)
    ]


def keys(stages: list[tuple[Operation, ...]]) -> list[str]:
    return ["".join(op.key for op in stage) for stage in stages]


def test_a_canary_then_batches_in_the_plans_order() -> None:
    plan = ops(*[()] * 7)
    assert keys(Rollout(canary=2, batch_size=2).stages(plan)) == ["ab", "cd", "ef", "g"]
    assert keys(Rollout(canary=3).stages(plan)) == ["abc", "defg"]
    assert keys(Rollout(batch_size=3).stages(plan)) == ["abc", "def", "g"]
    assert keys(Rollout().stages(plan)) == ["abcdefg"]


def test_an_operation_moves_to_the_later_stage_of_what_it_depends_on() -> None:
    # a depends on d, and b on a: both follow d into the third stage
    plan = ops(("d",), ("a",), (), (), ())
    assert keys(Rollout(canary=1, batch_size=2).stages(plan)) == ["c", "abde"]
    assert keys(Rollout(batch_size=1).stages(plan)) == ["c", "abd", "e"]


def test_an_operation_never_moves_earlier() -> None:
    plan = ops((), (), (), ("a",))
    assert keys(Rollout(canary=1, batch_size=1).stages(plan)) == ["a", "b", "c", "d"]


def test_positions_are_shown_as_ranges() -> None:
    assert describe_positions([11, 12, 13, 110]) == "operations 11-13, 110"
    assert describe_positions([4]) == "operation 4"


@pytest.mark.parametrize(
    ("text", "seconds", "prompt"),
    [("30s", 30, False), ("2m", 120, False), ("500ms", 0.5, False), ("5", 5, False),
     ("prompt", 0, True), ("1h", 3600, False)],
)  # fmt: skip
def test_pauses(text, seconds, prompt) -> None:
    assert Pause.parse(text) == Pause(seconds, prompt)


@pytest.mark.parametrize("text", ["soon", "-1s", "30x", ""])
def test_bad_pauses(text) -> None:
    with pytest.raises(UsageError, match="--pause"):
        Pause.parse(text)


def test_failure_limits() -> None:
    assert not FailureLimit().exceeded(0, 10)
    assert FailureLimit().exceeded(1, 10), "by default the first failure stops it"
    assert not FailureLimit.parse("2").exceeded(2, 10)
    assert FailureLimit.parse("2").exceeded(3, 10)
    assert not FailureLimit.parse("10%").exceeded(10, 100)
    assert FailureLimit.parse("10%").exceeded(11, 100)


@pytest.mark.parametrize("text", ["150%", "-1", "x", "%", "1.5"])
def test_bad_failure_limits(text) -> None:
    with pytest.raises(UsageError, match="--max-failures"):
        FailureLimit.parse(text)


def test_settings_survive_the_journal() -> None:
    rollout = Rollout(3, 50, (), Pause(90), FailureLimit(percent=2.5))
    assert Rollout.from_json(rollout.to_json()) == rollout
    with pytest.raises(UsageError, match="--canary must be at least 1"):
        Rollout(canary=0)
