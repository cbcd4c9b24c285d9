"""Applying the plan that was reviewed: digests as users write them, and the check.

The digest itself is :attr:`octoflow.plan.model.Plan.digest`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from octoflow.errors import UsageError

if TYPE_CHECKING:
    from octoflow.plan.model import Plan

HEX_DIGITS = frozenset("0123456789abcdef")


def parse_digest(text: str, where: str) -> str:
    """``text`` as a digest (16 hex digits, any case); UsageError naming ``where`` otherwise."""
    digest = text.strip().lower()
    if len(digest) != 16 or not set(digest) <= HEX_DIGITS:
        raise UsageError(
            f"{where} must be the 16 hex digits of a plan digest, as `octoflow plan` prints "
            f"it, not {text!r}"
        )
    return digest


def check_digest(plan: Plan, expected: str, retry: str) -> None:
    """Refuse ``plan`` unless its digest is ``expected`` (no digest expected: any plan,
    and no digest computed: for 4,000 operations that takes a quarter of a second).

    :param retry: how to apply the new plan once it is reviewed, for the message;
        ``{digest}`` in it stands for the new plan's digest.
    """
    if not expected:
        return
    digest = plan.digest
    if digest != expected:
        raise UsageError(
            f"this plan (digest {digest}) is not the one reviewed (digest {expected}): "
            f"the server or the recipe changed since it was planned, and nothing was applied; "
            f"{retry.replace('{digest}', digest)}"
        )
