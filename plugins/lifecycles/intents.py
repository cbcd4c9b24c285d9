"""Intents of the lifecycles provider: small, idempotent edits of one lifecycle.

Phases are found by name (in any case), never by position, so an intent replayed
on the copy apply re-reads still edits the phase the plan meant. A phase that is
gone by then, or an environment another phase holds, raises PhaseError and
nothing is written for that lifecycle.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from octoflow.provider import OctoflowError, unknown_name_message

Doc = dict[str, Any]
Args = Mapping[str, Any]
TARGET_LISTS = ("AutomaticDeploymentTargets", "OptionalDeploymentTargets")


class PhaseError(OctoflowError):
    """A phase edit that does not fit the lifecycle (a missing phase, a taken environment)."""

    def __init__(self, message: str, env_id: str = "") -> None:
        super().__init__(message)
        self.env_id = env_id


def set_retention(doc: Doc, args: Args) -> None:
    """Set a retention policy (``ReleaseRetentionPolicy`` or ``TentacleRetentionPolicy``),
    keeping any field of it the policy does not name."""
    current = doc.get(args["field"]) or {}
    policy = dict(args["policy"])
    if "Strategy" not in current:  # servers before Strategy existed (UNCONFIRMED: ignored)
        policy.pop("Strategy", None)
    doc[args["field"]] = {**current, **policy}


def ensure_phase(doc: Doc, args: Args) -> None:
    """Add an empty phase called ``phase`` after the phase ``after`` (last without one)."""
    phases = list(doc.get("Phases") or [])
    if _find(phases, args["phase"]) is not None:
        return
    position = len(phases)
    if args.get("after"):
        position = phases.index(phase(doc, args["after"])) + 1
    new = {
        # A deterministic id, so plans diff the phase as one new item and a replay at
        # apply makes the same one. UNCONFIRMED: that a real server keeps a client's
        # phase id (the sandbox does; a server that replaces it changes nothing else).
        "Id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"octoflow:{doc.get('Id')}:{args['phase']}")),
        "Name": args["phase"],
        "AutomaticDeploymentTargets": [],
        "OptionalDeploymentTargets": [],
        "MinimumEnvironmentsBeforePromotion": 0,
        "IsOptionalPhase": False,
        "ReleaseRetentionPolicy": None,
        "TentacleRetentionPolicy": None,
    }
    doc["Phases"] = [*phases[:position], new, *phases[position:]]


def add_environments(doc: Doc, args: Args) -> None:
    """Add environments to a phase (its automatic or optional list) unless it has them;
    an environment in another phase is refused (Octopus allows one phase each)."""
    target = phase(doc, args["phase"])
    for env_id in args["environment_ids"]:
        holder = holding_phase(doc, env_id)
        if holder is not None and holder is not target:
            raise PhaseError(
                f"environment {env_id} is already in phase {holder.get('Name')!r}: "
                "remove it there first",
                env_id,
            )
        if holder is None:
            field = TARGET_LISTS[0] if args.get("automatic") else TARGET_LISTS[1]
            target[field] = [*(target.get(field) or []), env_id]


def remove_environments(doc: Doc, args: Args) -> None:
    target = phase(doc, args["phase"])
    gone = set(args["environment_ids"])
    for field in TARGET_LISTS:
        target[field] = [e for e in target.get(field) or [] if e not in gone]


def set_phase_fields(doc: Doc, args: Args) -> None:
    phase(doc, args["phase"]).update(args["fields"])


def phase(doc: Doc, name: str) -> Doc:
    """The phase called ``name``; a PhaseError naming the phases there are when none is."""
    phases = doc.get("Phases") or []
    found = _find(phases, name)
    if found is None:
        known = [str(p.get("Name")) for p in phases]
        raise PhaseError(unknown_name_message("phase", name, known))
    return found


def holding_phase(doc: Doc, env_id: str) -> Doc | None:
    """The phase that has ``env_id`` in one of its lists, if any."""
    for item in doc.get("Phases") or []:
        if any(env_id in (item.get(field) or []) for field in TARGET_LISTS):
            return item  # type: ignore[no-any-return]
    return None


def _find(phases: list[Doc], name: str) -> Doc | None:
    return next((p for p in phases if str(p.get("Name", "")).lower() == name.lower()), None)


INTENTS = {
    "lifecycle.set_retention": set_retention,
    "lifecycle.ensure_phase": ensure_phase,
    "lifecycle.add_environments": add_environments,
    "lifecycle.remove_environments": remove_environments,
    "lifecycle.set_phase": set_phase_fields,
}
