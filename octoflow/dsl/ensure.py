"""Ensure statements: one named document exists, created when missing.

The contract between providers for documents a plan creates: a statement of
one provider may name what another provider's ensure statement makes (a
variable scoped to the target an ``octo.targets.ensure(…)`` creates). It checks
``isinstance(x, Ensure) and x.collection == "targets"``, never the class, finds
the document by ``x.name`` and, while it does not exist yet, puts
``created_ref(x.created_key)`` where its id belongs and waits for
``x.created_key`` (an edit's ``after``).
"""

from __future__ import annotations

from typing import ClassVar

from octoflow.plan.compiler import Edit


class Ensure:
    """Base of ensure statements; subclasses are attrs classes with a ``name`` field."""

    __slots__ = ()

    #: The DSL collection the statement belongs to (``octo.<collection>.ensure``).
    collection: ClassVar[str] = ""
    #: The resource kind of the document it creates.
    kind: ClassVar[str] = ""
    name: str

    @property
    def created_key(self) -> str:
        """The key of the edit that creates the document, when it is missing."""
        return Edit(self.kind, None, self.name, {}, ()).key
