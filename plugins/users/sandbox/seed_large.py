"""What ``demo-large`` adds to the demo's users: 450 more people, 500 users in all.

The first-and-last-name pairs the demo did not use, in a fixed shuffled order;
one in fifty is inactive, and one in ten joins the Developers team.
"""

from __future__ import annotations

import random

from octoflow_plugins.users.sandbox.seed import FIRST, LAST, insert_person

from octoflow.sandbox.area import State

EXTRA = 450


def seed_large_users(state: State) -> None:
    rng = random.Random("octoflow-demo-large-users")
    taken = {u["Username"] for u in state.values("Users")}
    pairs = [(f, last) for f in FIRST for last in LAST if f"{f}.{last}".lower() not in taken]
    rng.shuffle(pairs)
    developers = next(t for t in state.values("Teams") if t["Name"] == "Developers")
    for n, (first, last) in enumerate(pairs[:EXTRA]):
        user = insert_person(state, first, last, active=n % 50 != 49)
        if n % 10 == 0:
            developers["MemberUserIds"].append(user["Id"])
    state.stamp(developers)
