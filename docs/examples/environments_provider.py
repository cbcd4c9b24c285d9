"""A tiny provider: ``octo.guided_environments.where(name=...).use_guided_failure()``."""

from pathlib import Path
from typing import ClassVar

import attrs

from octoflow.provider import (
    Edit,
    Environment,
    Intent,
    ResourceKind,
    Selection,
    Verb,
    hookimpl,
    lookups,
)

ENVIRONMENT = ResourceKind("GuidedEnvironment", "environments")


def set_guided_failure(document, args):
    """The intent: change one document in place; idempotent."""
    document["UseGuidedFailure"] = args["enabled"]


@attrs.frozen
class UseGuidedFailure(Verb):
    """The verb: its fields are the DSL method's arguments."""

    name: ClassVar[str] = "use_guided_failure"
    enabled: bool

    def intent(self):
        state = "on" if self.enabled else "off"
        return Intent("environment.set_guided_failure", {"enabled": self.enabled},
                      f"guided failure {state}", f"guided failure already {state}")


@attrs.frozen
class Environments(Selection):
    collection: ClassVar[str] = "guided_environments"
    criteria_keys: ClassVar[frozenset[str]] = frozenset({"name"})

    def use_guided_failure(self, enabled=True):
        return self._with_verb(UseGuidedFailure(bool(enabled)))

    def select(self, ctx):
        """What the criteria select; other providers may call this too."""
        selected = ctx.models("environments", Environment)  # one list call per plan
        for names in self.criteria_for("name"):  # each where(name=...) narrows further
            wanted = {e.id for e in lookups.environments(ctx, names)}  # unknown → problem
            selected = [e for e in selected if e.id in wanted]
        for predicate in self.criteria_for("predicate"):
            selected = [e for e in selected if predicate(e)]
        return selected

    def plan(self, ctx):
        intents = tuple(verb.intent() for verb in self.verbs)
        if not intents:
            return
        for environment in self.select(ctx):
            document = ctx.document("environments", environment.id)
            yield Edit(ENVIRONMENT.name, environment.id, environment.name, document, intents)


@hookimpl
def octoflow_register(registry):
    registry.add_collection("guided_environments", lambda octo: Environments())
    registry.add_resource_kind(ENVIRONMENT)
    registry.add_intent("environment.set_guided_failure", set_guided_failure)
    registry.add_recipe("environments-guided-failure",
                        Path(__file__).with_name("guided_failure.py"))
