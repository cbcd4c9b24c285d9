"""``octo.certificates``: select certificates, ensure one, replace its data (rotate),
archive or unarchive it.

Examples::

    octo.certificates.ensure("Portal TLS", data_from_file="portal.pfx",
                             password_from_env="PFX_PASSWORD", environments=["Production"])
    octo.certificates.where(name="Portal TLS").rotate(data_from_file="portal-2027.pem")
    octo.certificates.where(partial_name="legacy").archive()

The data (and its password) are read at apply time and never enter a plan; planning
reads the file only to check it is a certificate and work out its thumbprint. A rotate
uses the server's replace route, which keeps the certificate's id (what variables and
targets refer to); a certificate whose ``Thumbprint`` is already the file's is left
alone (see :mod:`octoflow_plugins.credentials.certfile` for when the thumbprint is
known).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
from octoflow_plugins.credentials import certfile
from octoflow_plugins.credentials.certintents import ARCHIVE, REPLACE, SET_DATA, TENANTED, UNARCHIVE
from octoflow_plugins.credentials.intents import SET_FIELDS
from octoflow_plugins.credentials.kinds import CERTIFICATE
from octoflow_plugins.credentials.named import env_name

from octoflow.provider import (
    Edit,
    Ensure,
    Environment,
    Intent,
    PlanContext,
    Selection,
    Tenant,
    UsageError,
    Verb,
    as_names,
    clone,
    lookups,
    unknown_name_message,
)

Doc = dict[str, Any]


@attrs.frozen
class Data:
    """Where a certificate's data and password come from (names only, never values)."""

    file: str | None = None
    env: str | None = None
    password_env: str | None = None

    @classmethod
    def checked(cls, call: str, file: Any, env: Any, password_env: Any) -> Data:
        if (file is None) == (env is None):
            raise UsageError(f"{call}: give the certificate as data_from_file=PATH or "
                             "data_from_env=NAME (one of them)")  # fmt: skip
        if file is not None and (not isinstance(file, str) or not file.strip()):
            raise UsageError(f"{call}: data_from_file= is the path of a PFX, DER or PEM file")
        if env is not None:
            env_name(env, f"{call}, data_from_env")
        if password_env is not None:
            env_name(password_env, f"{call}, password_from_env")
        return cls(file.strip() if file else None, env, password_env)

    def inspect(self, ctx: PlanContext, what: str) -> certfile.CertFile | None:
        """Read the data now (not kept) to check it and work out its thumbprint; a problem
        when it cannot be read or is not a certificate."""
        if self.password_env:
            ctx.require_env(self.password_env, f"the password of {what}")
        try:
            return certfile.inspect(certfile.read(self.file, self.env), self.where)
        except UsageError as exc:
            ctx.problem(str(exc))
            return None

    @property
    def where(self) -> str:
        return certfile.source(self.file, self.env)

    def args(self, found: certfile.CertFile) -> Doc:
        return {"file": self.file, "env": self.env, "password_env": self.password_env,
                "thumbprint": found.thumbprint}  # fmt: skip

    def summary(self, found: certfile.CertFile) -> str:
        thumb = f"thumbprint {found.thumbprint}" if found.thumbprint else "PKCS#12"
        password = f", password from ${self.password_env}" if self.password_env else ""
        return f"data from {self.where} at apply ({thumb}{password})"


@attrs.frozen
class Rotate(Verb):
    name: ClassVar[str] = "rotate"
    data: Data

    def describe(self) -> str:
        given = {"data_from_file": self.data.file, "data_from_env": self.data.env,
                 "password_from_env": self.data.password_env}  # fmt: skip
        return "rotate(" + ", ".join(f"{k}={v!r}" for k, v in given.items() if v) + ")"


@attrs.frozen
class Archive(Verb):
    name: ClassVar[str] = "archive"
    archived: bool = True

    def describe(self) -> str:
        return "archive()" if self.archived else "unarchive()"


@attrs.frozen
class Certificates(Selection):
    collection: ClassVar[str] = "certificates"
    criteria_keys: ClassVar[frozenset[str]] = frozenset(
        {"name", "partial_name", "ids", "environment", "tenant"}
    )

    def ensure(
        self,
        name: str,
        data_from_file: str | None = None,
        data_from_env: str | None = None,
        password_from_env: str | None = None,
        environments: Iterable[str] | str | None = None,
        tenants: Iterable[str] | str | None = None,
        notes: str | None = None,
    ) -> EnsureCertificate:
        """A certificate called ``name`` exists (created from the data where missing) with
        these environments, tenants and notes; an existing one's data is left alone
        (``rotate`` replaces it)."""
        if not isinstance(name, str) or not name.strip():
            raise UsageError("certificates.ensure() needs a name")
        call = f"certificates.ensure({name!r})"
        data = Data.checked(call, data_from_file, data_from_env, password_from_env)
        envs = as_names(environments, "environments") if environments is not None else None
        tens = as_names(tenants, "tenants") if tenants is not None else None
        return EnsureCertificate(name.strip(), data, envs, tens, notes)

    def rotate(
        self,
        data_from_file: str | None = None,
        data_from_env: str | None = None,
        password_from_env: str | None = None,
    ) -> Certificates:
        """Replace the selected certificates' data (same ids) unless they already have
        its thumbprint."""
        data = Data.checked("certificates.rotate()", data_from_file, data_from_env,
                            password_from_env)  # fmt: skip
        return self._only(Rotate(data))

    def archive(self) -> Certificates:
        return self._only(Archive(True))

    def unarchive(self) -> Certificates:
        return self._only(Archive(False))

    def _only(self, verb: Verb) -> Certificates:
        if self.verbs:
            raise UsageError(f"certificates.{verb.describe()} cannot be combined with other "
                             "changes: use one statement each")  # fmt: skip
        return self._with_verb(verb)

    # -- selecting -------------------------------------------------------------

    def select(self, ctx: PlanContext) -> list[Doc]:
        """The selected certificates (as listed; treat as read-only): the active ones, and
        for ``archive()``/``unarchive()`` the archived ones too."""
        every = self._listed(ctx)
        chosen = list(every)
        noun = "certificate"
        for names in self.criteria_for("name"):
            chosen = _keep(chosen, lookups.documents_named(ctx, every, names, noun))
        for ids in self.criteria_for("ids"):
            chosen = _keep(chosen, _with_ids(ctx, every, as_names(ids, "ids"), noun))
        for part in self.criteria_for("partial_name"):
            text = str(part).strip().lower()
            chosen = [d for d in chosen if text in str(d.get("Name", "")).lower()]
        for names in self.criteria_for("environment"):
            wanted = set(lookups.environment_ids(ctx, names))
            chosen = [d for d in chosen if wanted & set(d.get("EnvironmentIds") or [])]
        for names in self.criteria_for("tenant"):
            wanted = set(lookups.tenant_ids(ctx, names))
            chosen = [d for d in chosen if wanted & set(d.get("TenantIds") or [])]
        for predicate in self.criteria_for("predicate"):
            chosen = [d for d in chosen if predicate(clone(d))]
        return chosen

    def _listed(self, ctx: PlanContext) -> list[Doc]:
        active = ctx.documents("certificates")
        if not any(isinstance(v, Archive) for v in self.verbs):
            return active
        # UNCONFIRMED (as the sandbox): lists show archived certificates only when asked.
        path = ctx.client.space_path("certificates")
        return [*active, *ctx.client.list_all(path, {"archived": "true"})]

    # -- planning --------------------------------------------------------------

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known_problems = len(ctx.problems)
        chosen = self.select(ctx)
        if not self.verbs:
            ctx.note(f"selects {len(chosen)} certificate(s)")
            return []
        verb = self.verbs[0]
        found = verb.data.inspect(ctx, verb.data.where) if isinstance(verb, Rotate) else None
        if len(ctx.problems) > known_problems:
            return []
        ctx.selected("certificate", len(chosen), len(self._listed(ctx)), self.whole_is_wide)
        if isinstance(verb, Rotate) and found is not None:
            return _rotations(chosen, verb.data, found)
        return [_archiving(doc, verb.archived) for doc in chosen]  # type: ignore[attr-defined]


def _rotations(chosen: list[Doc], data: Data, found: certfile.CertFile) -> list[Edit]:
    out = []
    for doc in chosen:
        args = {"id": doc["Id"], "name": doc["Name"], **data.args(found)}
        same = found.thumbprint is not None and found.thumbprint == doc.get("Thumbprint")
        done = f"already has thumbprint {found.thumbprint}" if same else ""
        intent = Intent(REPLACE, args, "replace: " + data.summary(found))
        out.append(Edit(CERTIFICATE, doc["Id"], doc["Name"], {}, (intent,), "run", done=done))
    return out


def _archiving(doc: Doc, archived: bool) -> Edit:
    word = "archive" if archived else "unarchive"
    intent = Intent(ARCHIVE if archived else UNARCHIVE, {"id": doc["Id"]}, word)
    done = "" if bool(doc.get("Archived")) != archived else f"already {word}d"
    return Edit(CERTIFICATE, doc["Id"], doc["Name"], {}, (intent,), "run", done=done)


def _keep(chosen: list[Doc], named: list[Doc]) -> list[Doc]:
    ids = {d["Id"] for d in named}
    return [d for d in chosen if d["Id"] in ids]


def _with_ids(ctx: PlanContext, docs: list[Doc], ids: tuple[str, ...], noun: str) -> list[Doc]:
    known = {str(d["Id"]).lower(): d for d in docs}
    for wanted in ids:
        if wanted.lower() not in known:
            ctx.problem(unknown_name_message(f"{noun} id", wanted, [d["Id"] for d in docs]))
    return [known[i.lower()] for i in ids if i.lower() in known]


@attrs.frozen
class EnsureCertificate(Ensure):
    """``certificates.ensure(name, …)``: create the certificate where missing; converge
    its environments, tenants and notes where it exists."""

    collection: ClassVar[str] = "certificates"
    kind: ClassVar[str] = CERTIFICATE
    name: str
    data: Data
    environments: tuple[str, ...] | None = None
    tenants: tuple[str, ...] | None = None
    notes: str | None = None

    def describe(self) -> str:
        return f"certificates.ensure({self.name!r})"

    def plan(self, ctx: PlanContext) -> list[Edit]:
        known_problems = len(ctx.problems)
        fields = self._fields(ctx)
        existing = next((d for d in ctx.documents("certificates")
                         if str(d.get("Name")).lower() == self.name.lower()), None)  # fmt: skip
        found = self.data.inspect(ctx, f"certificate {self.name!r}")
        if found is None or len(ctx.problems) > known_problems:
            return []
        intents = [Intent(SET_FIELDS, {"fields": fields}, _shown(ctx, fields),
                          "already " + _shown(ctx, fields))] if fields else []  # fmt: skip
        if self.tenants:
            intents.append(Intent(TENANTED, {}, "tenanted deployments allowed",
                                  "tenanted deployments already allowed"))  # fmt: skip
        if existing is None:
            create = Intent(SET_FIELDS, {"fields": {"Name": self.name}}, f"create {self.name!r}")
            secret = Intent(SET_DATA, self.data.args(found), self.data.summary(found))
            return [Edit(CERTIFICATE, None, self.name, {}, (create, *intents, secret), "create")]
        if found.thumbprint and found.thumbprint != existing.get("Thumbprint"):
            ctx.note(f"certificate {existing['Name']!r} has thumbprint "
                     f"{existing.get('Thumbprint')}, {self.data.where} {found.thumbprint}: "
                     "ensure leaves its data alone, rotate() replaces it")  # fmt: skip
        if not intents:
            return []
        return [Edit(CERTIFICATE, existing["Id"], existing["Name"], existing, tuple(intents))]

    def _fields(self, ctx: PlanContext) -> Doc:
        fields: Doc = {}
        if self.environments is not None:
            fields["EnvironmentIds"] = lookups.environment_ids(ctx, self.environments)
            for environment in ctx.models("environments", Environment):
                ctx.label(environment)  # the ones it leaves show by name too
        if self.tenants is not None:
            fields["TenantIds"] = lookups.tenant_ids(ctx, self.tenants)
            for tenant in ctx.models("tenants", Tenant):
                ctx.label(tenant)
        if self.notes is not None:
            fields["Notes"] = self.notes
        return fields


def _shown(ctx: PlanContext, fields: Doc) -> str:
    def value(v: Any) -> str:
        if isinstance(v, list):
            return lookups.labels(ctx, v) or "none"
        return repr(v)

    return ", ".join(f"{k} = {value(v)}" for k, v in fields.items())
