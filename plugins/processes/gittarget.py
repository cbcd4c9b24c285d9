"""What a statement says about version-controlled projects: the branch its edits
commit to and the commit message (``on_branch``, ``on_new_branch``,
``commit_message``), checked where the DSL is called."""

from __future__ import annotations

from typing import Any

import attrs

from octoflow.provider import TemplateProblem, UsageError, check_template

HEADS = "refs/heads/"
DEFAULT_MESSAGE = "octoflow{% if recipe %} {{ recipe }}{% endif %} (plan {{ plan.id }})"


@attrs.frozen
class GitTarget:
    """Where a statement's edits of version-controlled projects are committed.

    :param branch: the branch written (``None``: each project's default branch), or
        the base of a new branch.
    :param new_branch: a branch name template (jinja2); the branch is created first.
    :param base: the ref a new branch starts from (``None``: ``branch`` or the default).
    :param only_protected: create ``new_branch`` only where the branch is protected;
        elsewhere commit to the branch itself.
    :param message: the commit message template (jinja2).
    """

    branch: str | None = None
    new_branch: str | None = None
    base: str | None = None
    only_protected: bool = False
    message: str | None = None

    @property
    def given(self) -> bool:
        """Whether the statement chose a branch for every project (a project that is not
        CaC cannot take one); ``only_protected`` is a fallback, not a choice."""
        return bool(self.branch or (self.new_branch and not self.only_protected))

    def describe(self) -> str:
        parts = []
        if self.branch:
            parts.append(f".on_branch({self.branch!r})")
        if self.new_branch:
            extra = f", from_={self.base!r}" if self.base else ""
            extra += ", only_protected=True" if self.only_protected else ""
            parts.append(f".on_new_branch({self.new_branch!r}{extra})")
        if self.message:
            parts.append(f".commit_message({self.message!r})")
        return "".join(parts)


#: Each project's default branch, the default commit message.
DEFAULT_TARGET = GitTarget()


def checked_template(text: Any, what: str) -> str:
    """A branch name or message template, compiled now (bad input fails before planning)."""
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"{what}() needs a non-empty text")
    try:
        check_template(text)
    except TemplateProblem as exc:
        raise UsageError(f"{what}(): the template {text!r} does not compile: {exc}") from None
    return text.strip()


def branch_name(text: Any, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"{what} needs a branch name, e.g. 'main'")
    name = text.strip()
    return name[len(HEADS) :] if name.startswith(HEADS) else name
