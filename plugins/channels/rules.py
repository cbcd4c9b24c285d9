"""Channel version rules: which packages a rule governs, and what versions it allows.

A rule is given as a dict: ``{"steps": "*", "tag": "^hotfix"}`` or ``{"steps":
["Deploy", "Deploy:sidecar"], "version_range": "[1.0,2.0)"}``. ``steps`` names
deployment actions (``Action`` for all of its packages, ``Action:Reference`` for one
package reference) or ``*``: every package of the project's deployment process. Per
project, it becomes the wire rule ``{ActionPackages: [{DeploymentAction,
PackageReference}], VersionRange, Tag}`` (REFERENCE §6.4).

UNCONFIRMED: that ``DeploymentAction`` holds the action's name (as the sandbox's demo
rules do) rather than its id; the reference gives only the field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from octoflow.provider import EVERYTHING, UsageError, as_names, unknown_name_message

Doc = dict[str, Any]
KEYS = ("steps", "version_range", "tag")


@attrs.frozen
class Rule:
    steps: tuple[str, ...]
    version_range: str | None = None
    tag: str | None = None

    @classmethod
    def of(cls, given: Any) -> Rule:
        """A rule from the user's dict; a malformed one is a UsageError."""
        if not isinstance(given, Mapping):
            raise UsageError(
                "a channel rule is a dict such as {'steps': '*', 'tag': '^hotfix'}, "
                f"not {given!r}"
            )
        for key in given:
            if key not in KEYS:
                raise UsageError("channel rule: " + unknown_name_message("key", str(key), KEYS))
        steps = as_names(given.get("steps"), "rule steps")
        if not steps:
            raise UsageError(
                "a channel rule needs steps: action names, or '*' for every package step"
            )
        version_range, tag = _text(given, "version_range"), _text(given, "tag")
        if version_range is None and tag is None:
            raise UsageError(
                "a channel rule needs a version_range, a tag (pre-release regex) or both"
            )
        return cls(steps, version_range, tag)

    def describe(self) -> str:
        parts = [f"steps {', '.join(self.steps)}"]
        if self.version_range is not None:
            parts.append(f"version range {self.version_range}")
        if self.tag is not None:
            parts.append(f"pre-release tag {self.tag}")
        return "; ".join(parts)

    def packages(self, process: Doc) -> tuple[list[Doc], list[str]]:
        """This rule's ``ActionPackages`` in ``process``, and what does not resolve there."""
        available = package_references(process)
        if EVERYTHING in self.steps:
            return available, []
        found: list[Doc] = []
        missing = []
        for step in self.steps:
            action, _, reference = step.partition(":")
            hits = [
                p
                for p in available
                if p["DeploymentAction"].lower() == action.strip().lower()
                and (not reference or p["PackageReference"].lower() == reference.strip().lower())
            ]
            if not hits:
                known = sorted(
                    {_spelled(p) for p in available} | {p["DeploymentAction"] for p in available}
                )
                missing.append(unknown_name_message("package step", step, known))
            found += [h for h in hits if h not in found]
        return found, missing

    def wire(self, packages: list[Doc]) -> Doc:
        return {"ActionPackages": packages, "VersionRange": self.version_range, "Tag": self.tag}


def package_references(process: Doc) -> list[Doc]:
    """Every ``{DeploymentAction, PackageReference}`` of a deployment process, in order."""
    return [
        {
            "DeploymentAction": str(action.get("Name")),
            "PackageReference": str(package.get("Name") or ""),
        }
        for step in process.get("Steps") or []
        for action in step.get("Actions") or []
        for package in action.get("Packages") or []
    ]


def packages_key(packages: Any) -> frozenset[tuple[str, str]]:
    """What makes two rules the same rule: the packages they govern (any order, any case)."""
    return frozenset(
        (str(p.get("DeploymentAction")).lower(), str(p.get("PackageReference") or "").lower())
        for p in packages or []
        if isinstance(p, Mapping)
    )


def _spelled(package: Doc) -> str:
    ref = package["PackageReference"]
    return f"{package['DeploymentAction']}:{ref}" if ref else package["DeploymentAction"]


def _text(given: Mapping[str, Any], key: str) -> str | None:
    value = given.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"channel rule {key} must be non-empty text, not {value!r}")
    return value.strip()
