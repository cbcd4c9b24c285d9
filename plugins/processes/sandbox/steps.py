"""Steps and actions of a process as the server stores them (REFERENCE §7.1).

A PUT sends the whole ``Steps`` array. The server fills in every field a
client left out, gives new steps and actions GUID ids and slugs, keeps
property values as strings, and refuses references to environments,
channels, tags, feeds and worker pools that do not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from octoflow.sandbox.area import BadValue, Doc, State, plain, property_value, resolve_tags, slugify

STEP_CONDITIONS = ("Success", "Failure", "Always", "Variable")
ACTION_CONDITIONS = ("Success", "Variable")
START_TRIGGERS = ("StartAfterPrevious", "StartWithPrevious")
PACKAGE_REQUIREMENTS = ("LetOctopusDecide", "BeforePackageAcquisition", "AfterPackageAcquisition")
CONDITION_EXPRESSION = "Octopus.Step.ConditionVariableExpression"
TARGET_ROLES = "Octopus.Action.TargetRoles"
STEP_FIELDS = ("PackageRequirement", "Condition", "StartTrigger", "Actions")
ACTION_FIELDS = (
    "ActionType",
    "IsDisabled",
    "IsRequired",
    "CanBeUsedForProjectVersioning",
    "WorkerPoolId",
    "WorkerPoolVariable",
    "Container",
    "Image",
    "FeedId",
    "Environments",
    "ExcludedEnvironments",
    "Channels",
    "TenantTags",
    "Packages",
    "PackageId",
    "AcquisitionLocation",
    "Notes",
    "StepPackageVersion",
)

NewId = Callable[[], str]


def new_guid() -> str:
    return str(uuid.uuid4())


def step_defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "PackageRequirement": "LetOctopusDecide",
        "Properties": {},
        "Condition": "Success",
        "StartTrigger": "StartAfterPrevious",
        "Actions": [],
    }


def action_defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "ActionType": None,
        "Notes": None,
        "IsDisabled": False,
        "CanBeUsedForProjectVersioning": False,
        "IsRequired": False,
        "WorkerPoolId": None,
        "WorkerPoolVariable": None,
        "Container": {"Image": None, "FeedId": None},
        "Environments": [],
        "ExcludedEnvironments": [],
        "Channels": [],
        "TenantTags": [],
        "Packages": [],
        "Condition": "Success",
        "Properties": {},
        "Links": {},
    }


class StepChecker:
    """Normalises one process's ``Steps`` and collects every problem found."""

    def __init__(self, state: State, space_id: str, project_id: str | None, new_id: NewId) -> None:
        self.state = state
        self.space_id = space_id
        self.project_id = project_id
        self.new_id = new_id
        self.errors: list[str] = []
        self._step_names: set[str] = set()
        self._action_names: set[str] = set()
        self._ids: set[str] = set()

    def steps(self, raw: Any) -> list[Doc]:
        if not isinstance(raw, list):
            self.errors.append("Steps must be an array.")
            return []
        return [self.step(item, n) for n, item in enumerate(raw, 1) if self._is_object(item, n)]

    def _is_object(self, item: Any, position: int) -> bool:
        if not isinstance(item, dict):
            self.errors.append(f"Step {position} must be an object.")
        return isinstance(item, dict)

    def step(self, raw: Doc, position: int) -> Doc:
        step = step_defaults()
        step.update({k: plain(v) for k, v in raw.items() if v is not None or k not in step})
        name = self._name(step, f"Step {position}", self._step_names, "step")
        step["Id"] = self._id(step.get("Id"))
        step["Slug"] = slugify(name or "")
        step["Properties"] = self._properties(step["Properties"], f"step '{name}'")
        self._enum(step, "Condition", STEP_CONDITIONS, f"step '{name}'")
        self._enum(step, "StartTrigger", START_TRIGGERS, f"step '{name}'")
        self._enum(step, "PackageRequirement", PACKAGE_REQUIREMENTS, f"step '{name}'")
        if step["Condition"] == "Variable" and not step["Properties"].get(CONDITION_EXPRESSION):
            self.errors.append(
                f"The step '{name}' runs on a variable condition but has no "
                f"{CONDITION_EXPRESSION} property."
            )
        actions = step["Actions"]
        if not isinstance(actions, list) or not actions:
            self.errors.append(f"The step '{name}' must have at least one action.")
            step["Actions"] = []
        else:
            step["Actions"] = [self.action(a, name) for a in actions if isinstance(a, dict)]
        return step

    def action(self, raw: Doc, step_name: str | None) -> Doc:
        action = action_defaults()
        action.update({k: plain(v) for k, v in raw.items() if v is not None or k not in action})
        where = f"an action of the step '{step_name}'"
        name = self._name(action, where, self._action_names, "action")
        action["Id"] = self._id(action.get("Id"))
        action["Slug"] = slugify(name or "")
        what = f"action '{name}'"
        if not isinstance(action.get("ActionType"), str) or not action["ActionType"].strip():
            self.errors.append(f"The {what} needs an ActionType.")
        self._enum(action, "Condition", ACTION_CONDITIONS, what)
        action["Properties"] = self._properties(action["Properties"], what)
        for key in ("IsDisabled", "IsRequired", "CanBeUsedForProjectVersioning"):
            if not isinstance(action.get(key), bool):
                self.errors.append(f"{key} of the {what} must be true or false.")
        self._scopes(action, what)
        self._container(action, what)
        self._worker_pool(action, what)
        action["Packages"] = [self._package(p, what) for p in self._list(action, "Packages", what)]
        return action

    # -- fields ---------------------------------------------------------------------

    def _name(self, doc: Doc, where: str, seen: set[str], noun: str) -> str | None:
        name = doc.get("Name")
        if not isinstance(name, str) or not name.strip():
            self.errors.append(f"{where} needs a Name.")
            return None
        if name.lower() in seen:
            self.errors.append(f"The {noun} name '{name}' is used more than once in the process.")
        seen.add(name.lower())
        return name

    def _id(self, given: Any) -> str:
        new = given if isinstance(given, str) and given and given not in self._ids else None
        new = new or self.new_id()
        self._ids.add(new)
        return new

    def _enum(self, doc: Doc, key: str, allowed: tuple[str, ...], what: str) -> None:
        value = doc.get(key)
        match = next(
            (a for a in allowed if isinstance(value, str) and a.lower() == value.lower()), None
        )
        if match is None:
            self.errors.append(f"{key} of the {what} must be one of {', '.join(allowed)}.")
        else:
            doc[key] = match

    def _properties(self, raw: Any, what: str) -> Doc:
        if not isinstance(raw, dict):
            self.errors.append(f"Properties of the {what} must be an object.")
            return {}
        out = {}
        for key, value in raw.items():
            try:
                out[key] = property_value(value)
            except BadValue as exc:
                self.errors.append(f"Property '{key}' of the {what}: {exc}.")
        return out

    def _list(self, doc: Doc, key: str, what: str) -> list[Any]:
        value = doc.get(key)
        if not isinstance(value, list):
            self.errors.append(f"{key} of the {what} must be an array.")
            doc[key] = []
            return []
        return value

    def _scopes(self, action: Doc, what: str) -> None:
        for key in ("Environments", "ExcludedEnvironments"):
            ids = self._list(action, key, what)
            for env_id in ids:
                if not self._exists("Environments", env_id):
                    self.errors.append(
                        f"The environment '{env_id}' does not exist in {self.space_id}."
                    )
            action[key] = list(dict.fromkeys(ids))
        for channel_id in self._list(action, "Channels", what):
            channel = (
                self.state.get("Channels", channel_id) if isinstance(channel_id, str) else None
            )
            if channel is None or channel.get("ProjectId") != self.project_id:
                self.errors.append(
                    f"The channel '{channel_id}' does not belong to the project "
                    f"'{self.project_id}'."
                )
        action["Channels"] = list(dict.fromkeys(action["Channels"]))
        tags, problems = resolve_tags(
            self.state, self.space_id, self._list(action, "TenantTags", what), "Tenant"
        )
        action["TenantTags"] = tags
        self.errors += problems

    def _container(self, action: Doc, what: str) -> None:
        container = action.get("Container")
        if not isinstance(container, dict):
            self.errors.append(f"Container of the {what} must be an object.")
            action["Container"] = {"Image": None, "FeedId": None}
            return
        container.setdefault("Image", None)
        container.setdefault("FeedId", None)
        feed_id = container["FeedId"]
        if feed_id and not self._is_feed(feed_id):
            self.errors.append(f"The feed '{feed_id}' of the {what}'s container does not exist.")
        if feed_id and not container["Image"]:
            self.errors.append(f"The {what} runs in a container from a feed but names no image.")

    def _worker_pool(self, action: Doc, what: str) -> None:
        pool_id = action.get("WorkerPoolId")
        # Worker pools belong to another area; they are checked once one has seeded any.
        pools = self.state.collections.get("WorkerPools")
        if pool_id and pools is not None and not self._exists("WorkerPools", pool_id):
            self.errors.append(f"The worker pool '{pool_id}' of the {what} does not exist.")

    def _package(self, raw: Any, what: str) -> Doc:
        if not isinstance(raw, dict):
            self.errors.append(f"Packages of the {what} must be objects.")
            return {}
        package = {
            "Id": None,
            "Name": "",
            "PackageId": None,
            "FeedId": None,
            "AcquisitionLocation": "Server",
            "Properties": {},
        }
        package.update({k: plain(v) for k, v in raw.items() if v is not None})
        package["Id"] = self._id(package.get("Id"))
        if not package["PackageId"]:
            self.errors.append(f"A package of the {what} needs a PackageId.")
        if not package["FeedId"] or not self._is_feed(package["FeedId"]):
            self.errors.append(
                f"The feed '{package['FeedId']}' of the {what}'s package does not exist."
            )
        return package

    def _is_feed(self, feed_id: Any) -> bool:
        if isinstance(feed_id, str) and feed_id.startswith("#{"):
            return True  # bound to a variable, resolved at deployment time
        return self._exists("Feeds", feed_id)

    def _exists(self, collection: str, ref: Any) -> bool:
        found = self.state.get(collection, ref) if isinstance(ref, str) else None
        return found is not None and found.get("SpaceId") == self.space_id


def field_names() -> tuple[str, ...]:
    """Every field name of steps and actions, for case-insensitive request bodies."""
    return tuple(step_defaults()) + tuple(action_defaults()) + ACTION_FIELDS + STEP_FIELDS
