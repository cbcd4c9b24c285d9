"""Choosing package versions for a new release.

Rules are written ``latest``, ``1.2.3`` (every package), ``Step:latest``,
``Step:2.0.1``, ``Step:PackageRef:2.0.1``, ``Step:[1.0,2.0)`` (the latest in a
NuGet version range), ``Step:tag=^beta`` (the latest pre-release whose tag
matches) or ``*:rule``; ``latest`` and ranges pick stable versions only
(unless the channel's rule names a pre-release tag); the most specific rule for a package wins, and
``latest`` is the default. ``same-as:1.2.0`` takes every version from release
1.2.0. Channel version rules always apply on top: the feed is asked only for
versions the channel allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from octoflow.provider import PlanContext, UsageError

Doc = dict[str, Any]


@attrs.frozen
class PackageRules:
    """Parsed rules: per ``step``/``step:ref``/``*`` key, and an optional donor release."""

    by_key: Mapping[str, str] = attrs.field(factory=dict)
    same_as: str = ""

    @classmethod
    def parse(cls, text: str | Mapping[str, str] | Iterable[str] | None) -> PackageRules:
        if text is None or text == "":
            return cls()
        if isinstance(text, Mapping):
            return cls({k.strip().lower(): str(v).strip() for k, v in text.items()})
        items = split_rules(text) if isinstance(text, str) else [str(t) for t in text]
        by_key: dict[str, str] = {}
        same_as = ""
        for item in items:
            head, sep, rest = item.rpartition(":") if _ends_in_rule(item) else ("", "", item)
            if head.lower() == "same-as":
                same_as = rest.strip()
                continue
            key = head.strip().lower() if sep else "*"
            if not rest.strip():
                raise UsageError(f"package rule {item!r} has no version or rule after ':'")
            by_key[key] = rest.strip()
        return cls(by_key, same_as)

    def rule_for(self, package: Mapping[str, Any]) -> str:
        step = str(package.get("ActionName") or package.get("StepName") or "").lower()
        ref = str(package.get("PackageReferenceName") or "").lower()
        for key in (f"{step}:{ref}", step, "*"):
            if key in self.by_key:
                return self.by_key[key]
        return "latest"

    def unknown_steps(self, packages: list[Mapping[str, Any]]) -> list[str]:
        """Rule keys naming no package step of the process."""
        known = {"*"}
        for p in packages:
            step = str(p.get("ActionName") or p.get("StepName") or "").lower()
            known |= {step, f"{step}:{str(p.get('PackageReferenceName') or '').lower()}"}
        return [k for k in self.by_key if k not in known]


def split_rules(text: str) -> list[str]:
    """Split on commas outside version-range brackets: ``a:[1.0,2.0), b:latest``."""
    items, depth, current = [], 0, ""
    for char in text:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
    items.append(current.strip())
    return [i for i in items if i]


def _ends_in_rule(item: str) -> bool:
    """Whether ``item`` has a ``key:`` prefix (a bare range like ``[1.0,2.0)`` has not)."""
    head = item.split("[", 1)[0].split("(", 1)[0]
    return ":" in head


def resolve_version(
    ctx: PlanContext, package: Mapping[str, Any], rule: str, channel_rule: Mapping[str, Any]
) -> str | None:
    """The version ``rule`` picks for ``package`` from its feed, or ``None`` (and a problem).

    A fixed version is taken as it is, as the server does (a package may be pushed
    after the release is created).
    """
    if rule != "latest" and not rule.startswith(("[", "(", "tag=")):
        return rule
    params: dict[str, Any] = {"packageId": package["PackageId"], "take": 1}
    params["includePreRelease"] = "false"  # "latest" means the latest stable version
    if channel_rule.get("VersionRange"):
        params["versionRange"] = channel_rule["VersionRange"]
    if channel_rule.get("Tag"):
        params["preReleaseTag"] = channel_rule["Tag"]
        params["includePreRelease"] = "true"
    if rule.startswith(("[", "(")):
        params["versionRange"] = rule
    elif rule.startswith("tag="):
        params["preReleaseTag"] = rule[4:]
        params["includePreRelease"] = "true"
    path = f"feeds/{package['FeedId']}/packages/versions"
    found = ctx.get(path, params).get("Items") or []
    if found:
        return str(found[0]["Version"])
    limits = [f"rule {rule!r}"] + [
        f"channel rule {k} {channel_rule[k]!r}"
        for k in ("VersionRange", "Tag")
        if channel_rule.get(k)
    ]
    ctx.problem(
        f"no version of package {package['PackageId']!r} (step {package.get('ActionName')!r}) "
        f"in feed {package.get('FeedName') or package['FeedId']!r} matches " + " and ".join(limits),
        "check the rule, or push a matching package",
    )
    return None


def channel_rule_for(channel: Mapping[str, Any], package: Mapping[str, Any]) -> Doc:
    """The channel's version rule that covers this package step, if any."""
    for rule in channel.get("Rules") or []:
        for target in rule.get("ActionPackages") or []:
            same_action = target.get("DeploymentAction") == package.get("ActionName")
            same_ref = (target.get("PackageReference") or "") == (
                package.get("PackageReferenceName") or ""
            )
            if same_action and same_ref:
                return dict(rule)
    return {}
