"""The sandbox's named seeds.

``demo`` is the state the documentation and tests describe. ``demo-large`` is the
demo with a large customer's volume added on top (10,000 tenants, 1,000 targets,
1,000 projects, 500 users), so every fact of the demo still holds in it; each
area adds its share after seeding the demo.
"""

from __future__ import annotations

SEED_NAMES = ("empty", "demo", "demo-large")


def is_demo(seed: str) -> bool:
    """Whether ``seed`` holds the demo's documents (``demo`` or ``demo-large``)."""
    return seed in ("demo", "demo-large")


def is_large(seed: str) -> bool:
    return seed == "demo-large"
