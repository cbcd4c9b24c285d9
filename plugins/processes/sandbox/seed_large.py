"""What ``demo-large`` adds to the demo's projects: 800 more, 1,000 in all.

Four "Fleet" groups of 200 projects each, named and built like the demo's new
groups (``Atlas Web 03``: the same archetypes, steps, packages and runbooks for
every fifth), from their own fixed ``random.Random``.
"""

from __future__ import annotations

import itertools
import random

from octoflow_plugins.processes.sandbox.seed import (
    NEW_GROUPS,
    SPACE_ID,
    _project_fields,
    seed_process,
)
from octoflow_plugins.processes.sandbox.seed_steps import StepBuilder

from octoflow.sandbox.area import PROJECT_GROUPS, PROJECTS, State, create_default_channel

PER_GROUP = 200


def seed_large_processes(state: State) -> None:
    rng = random.Random("octoflow-demo-large-processes")
    feeds = {f["Name"]: f["Id"] for f in state.values("Feeds", SPACE_ID)}
    templates = {t["Name"]: t for t in state.values("ActionTemplates", SPACE_ID)}
    env = {e["Name"]: e["Id"] for e in state.values("Environments", SPACE_ID)}
    builder = StepBuilder(rng, env, feeds)
    ids = {d["Name"]: d["Id"] for c in ("ProjectGroups", "Lifecycles") for d in state.values(c)}
    n = 0
    for group, nouns, kinds in NEW_GROUPS:
        group_name = f"Fleet {group}"
        group_id = PROJECT_GROUPS.insert(state, SPACE_ID, {"Name": group_name})["Id"]
        names = itertools.product(range(1, 100), nouns, kinds)
        for number, noun, (suffix, archetype) in itertools.islice(names, PER_GROUP):
            name = f"{noun.replace('-', ' ')} {suffix} {number:02d}"
            project = PROJECTS.insert(
                state, SPACE_ID, _project_fields(name, group_id, ids, rng, group)
            )
            create_default_channel(state, project)
            seed_process(state, builder, project, archetype, templates, n)
            n += 1
