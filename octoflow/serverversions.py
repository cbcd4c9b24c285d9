"""Octopus Server versions: parsing, the range octoflow supports, and the sandbox's profiles.

Kept apart from the sandbox so the CLI can offer the profile names without loading it.
"""

from __future__ import annotations

#: The oldest Octopus Server release octoflow is tested against (``docs/index.md``).
OLDEST_SUPPORTED = "2020.5"
#: The releases the sandbox can answer as (``--server-version``), oldest first.
SANDBOX_PROFILES = ("2020.5", "2022.3", "2024.1", "current")


def parse_version(text: str) -> tuple[int, ...]:
    """``"2022.3.5512"`` → ``(2022, 3, 5512)``; stops at the first part that is not a number
    (``"2020.5.0-rc.4"`` → ``(2020, 5, 0)``), so ``""`` → ``()``."""
    out = []
    for part in str(text).strip().split("."):
        digits = part.split("-", 1)[0].split("+", 1)[0]
        if not digits.isdigit():
            break
        out.append(int(digits))
        if digits != part:
            break
    return tuple(out)


def at_least(version: str, minimum: str) -> bool:
    """Whether ``version`` is ``minimum`` (year.release) or newer."""
    wanted = parse_version(minimum)
    return parse_version(version)[: len(wanted)] >= wanted
