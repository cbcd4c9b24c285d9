"""Intents and actions of ``octo.certificates``.

``certificate.set_data`` runs at apply time only, on a new certificate's body: it reads
the file (or environment variable) and the password right before the first write.
Replacing, archiving and unarchiving are POSTs to the certificate's own routes, so they
are actions: each re-reads the certificate first and does nothing when it is already
as wanted. A file whose thumbprint is no longer the one planned is refused (plan
again), so apply never sends data the plan did not show.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

from octoflow_plugins.credentials import certfile

from octoflow.provider import ActionCall, ActionFailed, ActionResult, UsageError, secret_from_env

Doc = dict[str, Any]
Args = Mapping[str, Any]

SET_DATA = "certificate.set_data"
TENANTED = "certificate.allow_tenanted"
REPLACE = "certificate.replace"
ARCHIVE = "certificate.archive"
UNARCHIVE = "certificate.unarchive"


def read_checked(args: Args) -> tuple[str, str | None]:
    """The data as base64 and the password, read now; a UsageError when the data cannot
    be read, is not a certificate, or is not the one planned."""
    where = certfile.source(args.get("file"), args.get("env"))
    data = certfile.read(args.get("file"), args.get("env"))
    found = certfile.inspect(data, where)
    planned = args.get("thumbprint")
    if found.thumbprint != planned:
        raise UsageError(
            f"{where} has changed since the plan (thumbprint {found.thumbprint}, planned "
            f"{planned}): plan again"
        )
    password = None
    if args.get("password_env"):
        password = secret_from_env(args["password_env"], f"the password of {where}")
    return base64.b64encode(data).decode(), password


def set_data(doc: Doc, args: Args, secret_row: Callable[..., None]) -> None:
    encoded, password = read_checked(args)
    doc["CertificateData"] = {"HasValue": True, "NewValue": encoded}
    if password is not None:
        doc["Password"] = {"HasValue": True, "NewValue": password}


def allow_tenanted(doc: Doc, args: Args) -> None:
    """A certificate scoped to tenants must take part in tenanted deployments."""
    if doc.get("TenantedDeploymentParticipation") in (None, "Untenanted"):
        doc["TenantedDeploymentParticipation"] = "TenantedOrUntenanted"


def replace(call: ActionCall) -> ActionResult:
    args = call.args
    path = call.client.space_path(f"certificates/{args['id']}")
    current = call.client.get(path)
    if args.get("thumbprint") and current.get("Thumbprint") == args["thumbprint"]:
        return ActionResult(False, f"already has thumbprint {args['thumbprint']}")
    try:
        encoded, password = read_checked(args)
    except UsageError as exc:
        raise ActionFailed(f"{args['name']}: {exc}; the certificate was not changed") from None
    body = {"CertificateData": encoded, **({"Password": password} if password else {})}
    replaced = call.client.request("POST", f"{path}/replace", json=body)
    thumbprint = (replaced or {}).get("Thumbprint")
    return ActionResult(
        True, f"replaced: thumbprint {thumbprint}", outputs={"Thumbprint": thumbprint}
    )


def _archiving(archived: bool) -> Callable[[ActionCall], ActionResult]:
    word = "archived" if archived else "unarchived"

    def act(call: ActionCall) -> ActionResult:
        path = call.client.space_path(f"certificates/{call.args['id']}")
        if bool(call.client.get(path).get("Archived")) == archived:
            return ActionResult(False, f"already {word}")
        call.client.request("POST", f"{path}/{'archive' if archived else 'unarchive'}", json={})
        return ActionResult(True, word)

    return act


INTENTS = {TENANTED: allow_tenanted}
APPLY_TIME_INTENTS = {SET_DATA: set_data}
ACTIONS = {REPLACE: replace, ARCHIVE: _archiving(True), UNARCHIVE: _archiving(False)}
