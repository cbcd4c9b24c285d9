"""Package and release version strings, for the areas that compare them (REFERENCE §5.4).

SemVer order, NuGet version ranges and pre-release tags (channel version rules),
and the default versioning template's next release version.
"""

from __future__ import annotations

import re
from typing import Any

_VERSION_RE = re.compile(r"\d+(\.\d+){0,3}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")


def is_version(text: str) -> bool:
    """Whether ``text`` is a version Octopus accepts for a package (1-4 numbers, SemVer tags)."""
    return bool(_VERSION_RE.fullmatch(text))


def semver_key(version: str) -> tuple[Any, ...]:
    """SemVer order: ``1.0`` = ``1.0.0``; numeric pre-release parts compare as numbers."""
    core, _, pre = version.partition("+")[0].partition("-")
    numbers = [int(p) if p.isdigit() else 0 for p in core.split(".")]
    numbers += [0] * (4 - len(numbers))
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in pre.split("."))
    return (tuple(numbers), pre == "", parts if pre else ())


def pre_release_tag(version: str) -> str:
    """The pre-release part of a version (``beta.1`` of ``1.2.0-beta.1``), "" for none."""
    return version.partition("+")[0].partition("-")[2]


def in_version_range(version: str, version_range: str | None) -> bool:
    """Whether ``version`` satisfies a NuGet version range (``[1.0,2.0)``, ``1.0`` = ≥ 1.0).

    :raises ValueError: when the range cannot be parsed.
    """
    text = (version_range or "").replace(" ", "")
    if not text:
        return True
    key = semver_key(version)
    if text[0] not in "[(":
        return key >= semver_key(_bound(text, version_range))
    if len(text) < 3 or text[-1] not in "])":
        raise ValueError(version_range)
    inner = text[1:-1]
    if "," not in inner:
        if text[0] + text[-1] != "[]":
            raise ValueError(version_range)
        return key == semver_key(_bound(inner, version_range))
    low, high = inner.split(",", 1)
    if not (low or high):
        raise ValueError(version_range)
    if low:
        floor = semver_key(_bound(low, version_range))
        if key < floor or (key == floor and text[0] == "("):
            return False
    if high:
        ceiling = semver_key(_bound(high, version_range))
        if key > ceiling or (key == ceiling and text[-1] == ")"):
            return False
    return True


def _bound(text: str, version_range: str | None) -> str:
    if not _VERSION_RE.fullmatch(text):
        raise ValueError(version_range)
    return text


def matches_tag(version: str, tag_pattern: str | None) -> bool:
    """Whether the pre-release part matches a channel rule's ``Tag`` regex (``^$`` = none).

    :raises re.error: when the pattern is not a regular expression.
    """
    if not tag_pattern:
        return True
    return re.search(tag_pattern, pre_release_tag(version)) is not None


def next_version(last: str | None) -> str:
    """``#{LastMajor}.#{LastMinor}.#{NextPatch}``: the default versioning template."""
    if not last:
        return "0.0.1"
    numbers = [int(n) for n in re.findall(r"\d+", last.partition("-")[0])][:3]
    major, minor, patch = (numbers + [0, 0, 0])[:3]
    return f"{major}.{minor}.{patch + 1}"
