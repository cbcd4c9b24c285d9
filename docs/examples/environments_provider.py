"""A tiny provider: ``octo.environments.where(name=...).use_guided_failure()``."""

from pathlib import Path
from typing import ClassVar

import attrs

from octoflow import hookimpl
from octoflow.dsl.selection import Selection, as_names
from octoflow.plan.compiler import Edit
from octoflow.plan.model import Intent
from octoflow.registry import ResourceKind, unknown_name_message

ENVIRONMENT = ResourceKind("Environment", "environments")


def set_guided_failure(document, args):
    """The intent: change one document in place; idempotent."""
    document["UseGuidedFailure"] = args["enabled"]


@attrs.frozen
class Environments(Selection):
    collection: ClassVar[str] = "environments"
    criteria_keys: ClassVar[frozenset[str]] = frozenset({"name"})

    def use_guided_failure(self, enabled=True):
        return self._with_verb("use_guided_failure", enabled=bool(enabled))

    def plan(self, ctx):
        documents = ctx.documents("environments")  # one list call per plan, cached
        known = [d["Name"] for d in documents]
        selected = documents
        for value in self.criteria_for("name"):  # each where(name=...) narrows further
            wanted = as_names(value, "name")
            for name in wanted:
                if name.lower() not in {k.lower() for k in known}:
                    ctx.problem(unknown_name_message("environment", name, known))
            lowered = {n.lower() for n in wanted}
            selected = [d for d in selected if d["Name"].lower() in lowered]
        for predicate in self.criteria_for("predicate"):
            selected = [d for d in selected if predicate(d)]
        intents = []
        for verb in self.verbs:
            state = "on" if verb.args["enabled"] else "off"
            intents.append(Intent("environment.set_guided_failure", dict(verb.args),
                                  f"guided failure {state}", f"guided failure already {state}"))
        for document in selected:
            if intents:
                yield Edit(ENVIRONMENT.name, document["Id"], document["Name"], document,
                           tuple(intents))


@hookimpl
def octoflow_register(registry):
    registry.add_collection("environments", lambda octo: Environments())
    registry.add_resource_kind(ENVIRONMENT)
    registry.add_intent("environment.set_guided_failure", set_guided_failure)
    registry.add_recipe("environments-guided-failure",
                        Path(__file__).with_name("guided_failure.py"))
