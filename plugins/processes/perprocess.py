"""What a verb of a process statement asks of each process the statement edits.

A verb resolves its names once per statement (``per_process(names)``) and
returns a :class:`PerProcess`: ``make`` runs for each process and returns the
verb's intents (each with its no-op reason), ``finish`` runs once after every
process, with the step names seen, to report names that matched nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

import attrs

#: Step (and action) names seen in the selected processes: lower-cased → as spelled.
Seen = dict[str, str]
Make = TypeVar("Make")


def nothing_to_check(seen: Seen) -> None:
    return None


@attrs.frozen
class PerProcess(Generic[Make]):
    make: Make
    finish: Callable[[Seen], None] = nothing_to_check


def listed(names: Iterable[str]) -> str:
    """``'A', 'B' and 3 more`` (plans stay readable with many actions)."""
    unique = list(dict.fromkeys(names))
    shown = ", ".join(repr(n) for n in unique[:3])
    return shown + (f" and {len(unique) - 3} more" if len(unique) > 3 else "")
