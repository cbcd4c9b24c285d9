"""octoflow's API for provider plugins: the one module a provider imports.

A provider (built-in or third-party) adds collections to the DSL, the kinds of
document it writes, the intents that change them, actions, recipes and its part
of the sandbox. Everything it needs from octoflow is here, and this is what
octoflow keeps stable; the modules behind it may move. The fake-server side of
a provider imports :mod:`octoflow.sandbox.area` instead. ``docs/provider-api.md``
describes every name (a test keeps the two in step).

Registering (``octoflow_register(registry)``)
    :data:`hookimpl`, :class:`Registry`, :class:`ResourceKind`
Selections and verbs (the DSL)
    :class:`Selection`, :class:`Criterion`, :class:`Verb`, :data:`EVERYTHING`,
    :func:`as_names`, :func:`optional_names`, :func:`is_everything`,
    :func:`selects_note`
    :class:`Ensure` (statements making one named document; the contract for referring to it)
Planning
    :class:`PlanContext`, :class:`Edit`, :class:`Intent`, :func:`created_ref`,
    :func:`replay`, :func:`diff`, :func:`clone`, :data:`IDS_PER_REQUEST`
Shared lookups (names, tags with Octopus's semantics, roles, lifecycles)
    :data:`lookups`, :func:`unknown_name_message`
Models (what ``ctx.models``/``ctx.find`` build)
    :class:`Model`, :class:`Named`, :class:`Space`, :class:`Environment`,
    :class:`Lifecycle`, :class:`Phase`, :class:`ProjectGroup`, :class:`Project`,
    :class:`Channel`, :class:`TagSet`, :class:`Tag`, :class:`Tenant`,
    :class:`LibraryVariableSet`, :class:`VariableTemplate`, :class:`WorkerPool`
Actions (``run`` operations)
    :class:`ActionCall`, :class:`ActionResult`, :class:`ActionFailed`
Errors
    :class:`UsageError`, :class:`PlanError`, :class:`Problem`, :class:`OctoflowError`,
    :class:`NotFoundError`, :class:`PermissionDeniedError`, :class:`ValidationError`
Values from users
    :func:`parse_bool`, :func:`register_secret`, :func:`is_env_name`,
    :func:`secret_from_env`, :class:`TemplateProblem`,
    :func:`check_template`, :func:`render_template`
Private files (secret rows written at apply time)
    :func:`check_appendable`, :func:`read_rows`, :func:`pending_files`,
    :func:`settle_pending`, :func:`csv_value`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from octoflow import lookups
from octoflow.apply.actions import ActionCall, ActionFailed, ActionResult
from octoflow.apply.secretfiles import (
    check_appendable,
    csv_value,
    pending_files,
    read_rows,
    settle_pending,
)
from octoflow.client.http import IDS_PER_REQUEST
from octoflow.config import parse_bool
from octoflow.dsl.ensure import Ensure
from octoflow.dsl.selection import (
    EVERYTHING,
    Criterion,
    Selection,
    as_names,
    is_everything,
    optional_names,
    selects_note,
)
from octoflow.dsl.verbs import Verb
from octoflow.errors import (
    NotFoundError,
    OctoflowError,
    PermissionDeniedError,
    PlanError,
    Problem,
    TemplateProblem,
    UsageError,
    ValidationError,
)
from octoflow.hookspecs import hookimpl
from octoflow.jsondata import clone
from octoflow.models import (
    Channel,
    Environment,
    LibraryVariableSet,
    Lifecycle,
    Model,
    Named,
    Phase,
    Project,
    ProjectGroup,
    Space,
    Tag,
    TagSet,
    Tenant,
    VariableTemplate,
    WorkerPool,
)
from octoflow.plan.compiler import Edit, replay
from octoflow.plan.context import PlanContext
from octoflow.plan.diff import diff
from octoflow.plan.model import Intent
from octoflow.plan.refs import created_ref
from octoflow.registry import Registry, ResourceKind, unknown_name_message
from octoflow.secrets import is_env_name, register_secret, secret_from_env


def check_template(source: str) -> None:
    """Compile a user template; a syntax error or an unknown filter is a TemplateProblem.

    jinja2 is imported on the first template, not when a provider is.
    """
    from octoflow import templating

    templating.check(source)


def render_template(source: str, context: Mapping[str, Any]) -> str:
    """Render a user template with exactly ``context`` in scope, in octoflow's bounded,
    sandboxed environment (see :mod:`octoflow.templating`)."""
    from octoflow import templating

    return templating.render_text(source, context)


__all__ = [
    "EVERYTHING",
    "IDS_PER_REQUEST",
    "ActionCall",
    "ActionFailed",
    "ActionResult",
    "Channel",
    "Criterion",
    "Edit",
    "Ensure",
    "Environment",
    "Intent",
    "LibraryVariableSet",
    "Lifecycle",
    "Model",
    "Named",
    "NotFoundError",
    "OctoflowError",
    "PermissionDeniedError",
    "Phase",
    "PlanContext",
    "PlanError",
    "Problem",
    "Project",
    "ProjectGroup",
    "Registry",
    "ResourceKind",
    "Selection",
    "Space",
    "Tag",
    "TagSet",
    "Tenant",
    "TemplateProblem",
    "UsageError",
    "ValidationError",
    "VariableTemplate",
    "Verb",
    "WorkerPool",
    "as_names",
    "check_appendable",
    "check_template",
    "clone",
    "created_ref",
    "csv_value",
    "diff",
    "hookimpl",
    "is_everything",
    "lookups",
    "optional_names",
    "parse_bool",
    "pending_files",
    "read_rows",
    "register_secret",
    "is_env_name",
    "secret_from_env",
    "render_template",
    "replay",
    "selects_note",
    "settle_pending",
    "unknown_name_message",
]
