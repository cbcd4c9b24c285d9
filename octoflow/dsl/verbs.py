"""Verbs: what a statement asks to change, as small typed values.

Each verb of a collection is a frozen attrs class whose fields are its
arguments, checked and coerced when the user calls the DSL method. The class
also knows what the verb means while planning: which names to resolve, the
intents it asks for and the reason it may have nothing to do. A provider
calls that through a method it chooses for its verbs (the tenants provider's
verbs have ``per_tenant(ctx)``), so nothing is looked up by name::

    @attrs.frozen
    class AddTag(TenantVerb):
        name: ClassVar[str] = "add_tag"
        tags: tuple[str, ...]

        def per_tenant(self, ctx):
            tags = lookups.canonical_tags(ctx, self.tags)
            intent = Intent("tenant.add_tags", {"tags": tags},
                            f"tag {', '.join(tags)}", f"already tagged {', '.join(tags)}")
            return lambda tenant: {TENANT: [intent]}
"""

from __future__ import annotations

from typing import ClassVar

import attrs


@attrs.frozen
class Verb:
    """Base of every verb; ``name`` is the DSL method that makes it."""

    name: ClassVar[str] = ""
    #: Arguments never shown in descriptions: values being set may be secrets.
    hidden: ClassVar[frozenset[str]] = frozenset({"value"})

    def describe(self) -> str:
        """The call as text (``add_tag(tags=('Tier/Gold',))``); hidden values elided."""
        shown = []
        for field in attrs.fields(type(self)):
            value = getattr(self, field.name)
            if value in (None, (), []):
                continue
            shown.append(f"{field.name}={'…' if field.name in self.hidden else repr(value)}")
        return f"{self.name}({', '.join(shown)})"
