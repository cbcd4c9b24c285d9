"""The plan: pure data describing what apply will do.

A plan is built by :mod:`octoflow.plan.compiler`, rendered by
:mod:`octoflow.plan.render`, saved as JSON and applied (now or later) by
:mod:`octoflow.apply.executor`. Nothing here talks to a server.
"""

from __future__ import annotations

import graphlib
import json
from collections.abc import Callable, Mapping
from typing import Any, TextIO

import attrs

PLAN_FORMAT = 1
ACTIONS = ("create", "update", "delete", "run")
#: What differs between two plannings of the same change: when, and which run.
#: How and when a plan was made, not what it writes (the request estimate depends on
#: whether apply is paced by a rate limit).
_NOT_DIGESTED = ("id", "created", "rate_limit", "request_estimate")
_ENCODER = json.JSONEncoder(indent=2, default=list)


def _digest_of(data: Mapping[str, Any]) -> str:
    """The digest of a plan's ``attrs.asdict`` data (see :attr:`Plan.digest`)."""
    import hashlib  # loads OpenSSL: only when a digest is asked for

    digested = {k: v for k, v in data.items() if k not in _NOT_DIGESTED}
    text = json.dumps(digested, sort_keys=True, separators=(",", ":"), default=list)
    if data.get("id"):  # a plan naming itself (a commit message, a branch) is the same change
        text = text.replace(str(data["id"]), "{plan.id}")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@attrs.frozen
class Intent:
    """One requested change to a document, replayable on a fresh copy.

    :param name: the registered intent function, e.g. ``tenant.add_project``.
    :param args: JSON-able arguments with names already resolved to ids.
    :param summary: what it does, for people ("connect to Customer Portal in Test").
    :param noop: why nothing needs doing when the document already matches.
    """

    name: str
    args: Mapping[str, Any]
    summary: str
    noop: str = ""


@attrs.frozen
class FieldChange:
    """One changed field: a path into the document and its values before and after."""

    path: tuple[str, ...]
    before: Any
    after: Any


@attrs.frozen
class Operation:
    """A single write: create, update or delete one document, or run an action
    (``run``: deploy, run a runbook…; its intents name registered actions, see
    :mod:`octoflow.apply.actions`)."""

    key: str
    action: str  # "create" | "update" | "delete" | "run"
    kind: str
    resource_id: str | None
    name: str
    intents: tuple[Intent, ...]
    changes: tuple[FieldChange, ...] = ()
    depends_on: tuple[str, ...] = ()
    body: Mapping[str, Any] | None = None
    #: Fields an update sends with the document but does not diff (see ``Edit.send``).
    send: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Unchanged:
    """A selected document that already matches every intent, and why."""

    kind: str
    resource_id: str
    name: str
    reasons: tuple[str, ...]


@attrs.frozen
class Plan:
    """Everything apply needs, and everything a reviewer wants to see."""

    id: str
    created: str
    server: str
    space_id: str
    title: str
    operations: tuple[Operation, ...]
    unchanged: tuple[Unchanged, ...] = ()
    labels: Mapping[str, str] = attrs.field(factory=dict)
    notes: tuple[str, ...] = ()
    params: Mapping[str, Any] = attrs.field(factory=dict)
    request_estimate: int = 0
    server_version: str = ""
    #: The recipe the plan was made from, as the user named it (a shipped name or a
    #: file's path); empty for statements planned directly.
    recipe: str = ""
    #: Why the plan is a wide change, one line per wide selection (see
    #: :mod:`octoflow.plan.wide`); apply refuses it unless allowed.
    wide: tuple[str, ...] = ()
    #: The rate limit the server advertised while planning and how long apply takes
    #: under it (see :func:`octoflow.plan.pace.apply_time`); ``None`` without a limit.
    rate_limit: Mapping[str, Any] | None = None

    @property
    def summary(self) -> dict[str, int]:
        counts = {"add": 0, "change": 0, "delete": 0, "run": 0}
        names = {"create": "add", "update": "change", "delete": "delete", "run": "run"}
        for op in self.operations:
            counts[names[op.action]] += 1
        return counts

    @property
    def is_empty(self) -> bool:
        return not self.operations

    @property
    def digest(self) -> str:
        """What the plan does, in 16 hex digits (SHA-256 of its canonical JSON without
        ``id``, ``created``, ``rate_limit`` and ``request_estimate``): planning the same
        recipe against an unchanged server gives the same digest, and any difference in
        what would be written gives another. The plan's id is left out where the plan names itself
        (a branch ``octoflow/{{ plan.id }}``, a commit message)."""
        return _digest_of(self._data())

    def _data(self) -> dict[str, Any]:
        """``attrs.asdict``, without operations' empty ``send`` (plans read as before)."""
        data = attrs.asdict(self, recurse=True)
        for op in data["operations"]:
            if not op["send"]:
                del op["send"]
        return data

    def to_json(self) -> dict[str, Any]:
        data = self._data()
        digest = _digest_of(data)
        if data["rate_limit"] is None:
            del data["rate_limit"]  # plans made without a limit read as they always have
        return {"format": PLAN_FORMAT, "summary": self.summary, "digest": digest, **data}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=False, default=list)

    def write_json(self, stream: TextIO, filter_text: Callable[[str], str] = str) -> None:
        """Write :meth:`dumps`'s text to ``stream`` piece by piece, each piece through
        ``filter_text``, so a plan of 10,000 operations is never held as one string too.
        Every JSON string comes as one piece, so a filter sees whole values."""
        for piece in _ENCODER.iterencode(self.to_json()):
            stream.write(filter_text(piece))

    @classmethod
    def from_json(cls, data: Any) -> Plan:
        """A plan saved by :meth:`dumps`; anything else raises ``ValueError`` saying why."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a saved plan is a JSON object, not {type(data).__name__}")
        operations = data.get("operations")
        if data.get("format") != PLAN_FORMAT or not isinstance(operations, (list, tuple)):
            raise ValueError("not an octoflow plan (missing format/operations)")
        ops = tuple(_operation(o) for o in data["operations"])
        _check_graph(ops)
        unchanged = tuple(
            Unchanged(u["kind"], u["resource_id"], u["name"], tuple(u["reasons"]))
            for u in data.get("unchanged", ())
        )
        fields = {k: data[k] for k in ("id", "created", "server", "space_id", "title")}
        return cls(
            **fields,
            operations=ops,
            unchanged=unchanged,
            labels=dict(data.get("labels", {})),
            notes=tuple(data.get("notes", ())),
            params=dict(data.get("params", {})),
            request_estimate=int(data.get("request_estimate", 0)),
            server_version=str(data.get("server_version", "")),
            recipe=str(data.get("recipe", "")),
            wide=tuple(str(w) for w in data.get("wide", ())),
            rate_limit=_rate_limit(data.get("rate_limit")),
        )


def _rate_limit(data: Any) -> dict[str, Any] | None:
    """A saved plan's ``rate_limit``; anything unreadable is dropped (it only informs)."""
    if not isinstance(data, Mapping):
        return None
    fields = {k: data.get(k) for k in ("requests_per_minute", "burst", "apply_seconds")}
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in fields.values()):
        return None
    return fields


def _operation(data: Mapping[str, Any]) -> Operation:
    if data.get("action") not in ACTIONS:
        raise ValueError(
            f"operation {data.get('key')!r} has the unknown action {data.get('action')!r} "
            f"(one of {', '.join(ACTIONS)})"
        )
    return Operation(
        key=data["key"],
        action=data["action"],
        kind=data["kind"],
        resource_id=data.get("resource_id"),
        name=data["name"],
        intents=tuple(Intent(**i) for i in data["intents"]),
        changes=tuple(
            FieldChange(tuple(c["path"]), c["before"], c["after"]) for c in data.get("changes", ())
        ),
        depends_on=tuple(data.get("depends_on", ())),
        body=data.get("body"),
        send=dict(data.get("send") or {}),
    )


def _check_graph(ops: tuple[Operation, ...]) -> None:
    """Every dependency names an operation of the plan, and there is no cycle."""
    keys = {op.key for op in ops}
    for op in ops:
        unknown = [k for k in op.depends_on if k not in keys]
        if unknown:
            raise ValueError(f"operation {op.key!r} depends on unknown operations {unknown}")
    try:
        graphlib.TopologicalSorter({op.key: set(op.depends_on) for op in ops}).prepare()
    except graphlib.CycleError as exc:
        raise ValueError(f"its operations depend on each other in a cycle: {exc.args[1]}") from None
