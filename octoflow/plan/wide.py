"""When a selection is *wide*: a change to most of a collection, or to all of it.

A plan whose statements select widely says so prominently, and apply refuses it
unless told ``--allow-wide`` (``allow_wide=True``). The default threshold is more
than 50% of a collection *and* more than 100 documents, or every document of a
collection of more than one that a filter selected or that is deleted (a filter
that matches everything is a surprise worth stopping for; a statement without one,
such as "every lifecycle", says what it means, and is wide only past the
threshold); a run (``--wide-above``) or a recipe (``WIDE_ABOVE``)
may set another, written ``PERCENT%,COUNT`` (``80%,500``); ``100%,0`` means no
selection is wide (for a recipe whose job is to change every document).
"""

from __future__ import annotations

import attrs

from octoflow.errors import UsageError
from octoflow.plan.model import Plan


@attrs.frozen
class WidePolicy:
    percent: float = 50.0
    count: int = 100

    @classmethod
    def parse(cls, text: str, where: str = "--wide-above") -> WidePolicy:
        """``"80%,500"``: more than 80% of a collection and more than 500 documents."""
        percent_text, sep, count_text = text.replace(" ", "").partition(",")
        try:
            percent = float(percent_text.removesuffix("%"))
            count = int(count_text)
        except ValueError:
            percent, count = -1.0, -1
        if not sep or not percent_text.endswith("%") or not 0 <= percent <= 100 or count < 0:
            raise UsageError(
                f"{where} {text!r} is not PERCENT%,COUNT: write e.g. 80%,500 (wide above "
                "80% of a collection and 500 documents)"
            )
        return cls(percent, count)

    def is_wide(self, selected: int, total: int, whole_is_wide: bool = True) -> bool:
        """``whole_is_wide``: whether all of a small collection counts (the statement
        filters or deletes; see the module's doc)."""
        if selected <= 0 or total <= 1:
            return False
        if selected >= total and whole_is_wide:
            return self.percent < 100
        return selected * 100 > self.percent * total and selected > self.count

    def describe(self) -> str:
        return f"more than {self.percent:g}% of them and more than {self.count}, or all of them"


DEFAULT = WidePolicy()


def check_wide(plan: Plan, allowed: bool) -> None:
    """Refuse a wide plan unless a wide change was asked for."""
    if plan.wide and not allowed:
        raise UsageError(
            "this plan is a wide change, and nothing was applied: "
            + "; ".join(plan.wide)
            + ". If that is what you mean, apply it with --allow-wide (allow_wide=True); "
            "otherwise narrow the selection"
        )
