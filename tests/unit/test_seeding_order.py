"""Sandbox areas seed after the areas they name in ``seed_after``."""

from __future__ import annotations

import graphlib

import attrs
import pytest

from octoflow.sandbox.sandbox import seeding_order


@attrs.frozen
class Area:
    name: str
    seed_after: tuple[str, ...] = ()


def names(areas) -> list[str]:
    return [a.name for a in seeding_order(list(areas))]


def test_registration_order_unless_an_area_needs_others_first() -> None:
    areas = [
        Area("core"),
        Area("deployments", ("processes", "users", "absent")),
        Area("processes"),
        Area("users"),
    ]
    assert names(areas) == ["core", "processes", "users", "deployments"]
    assert names([Area("b"), Area("a")]) == ["b", "a"]


def test_a_cycle_is_refused() -> None:
    with pytest.raises(graphlib.CycleError):
        seeding_order([Area("a", ("b",)), Area("b", ("a",))])
