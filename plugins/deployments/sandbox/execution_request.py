"""What every executions API request shares: the body, the space and name lookups.

The space in the path must be an id (other URL forms answer 404) and the body
must repeat it as ``spaceIdOrName``; names are matched as the clients send
them, with close matches suggested when they do not resolve.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from octoflow.sandbox.area import CIDict, Doc, Request, SandboxError, invalid, split_path

SPACE_ID = re.compile(r"Spaces-\d+", re.IGNORECASE)


# -- the request ---------------------------------------------------------------------------


def command(req: Request) -> CIDict:
    """The body, once the path names the space by id and the body repeats it."""
    parts = split_path(req.path)
    if len(parts) < 2 or not SPACE_ID.fullmatch(parts[1]):
        raise SandboxError(404, f"There is no API route for '{req.path}' in the octoflow sandbox.")
    body = req.json_object()
    ref = body.get("SpaceIdOrName")
    space = req.state.require("Spaces", req.space_id)
    if not ref:
        raise invalid("The spaceIdOrName field is required: repeat the space's id in the body.")
    if str(ref).lower() not in (space["Id"].lower(), str(space.get("Name")).lower()):
        raise invalid(
            f"The space '{ref}' in the body is not the space in the path ({space['Id']})."
        )
    return body


def names(value: Any) -> list[str]:
    """A list of names from a list or a single string (both are sent)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if str(v).strip()]


def pick(items: Iterable[Doc], ref: Any, noun: str, where: str) -> Doc:
    """The document named ``ref`` (id, name or slug, any case) or a 400 with close matches."""
    docs = list(items)
    wanted = str(ref or "").lower()
    for doc in docs:
        if wanted in (
            str(doc["Id"]).lower(),
            str(doc.get("Name")).lower(),
            str(doc.get("Slug")).lower(),
        ):
            return doc
    if not wanted:
        raise invalid(f"A {noun} name is required.")
    close = difflib.get_close_matches(str(ref), [str(d.get("Name")) for d in docs], n=3)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise invalid(f"The {noun} '{ref}' was not found {where}.{hint}")


def project_for(req: Request, body: CIDict) -> Doc:
    return pick(
        req.state.values("Projects", req.space_id),
        body.get("ProjectName"),
        "project",
        f"in {req.space_id}",
    )


def environments(req: Request, refs: list[str]) -> list[Doc]:
    envs = req.state.environments_in_order(req.space_id)
    return [pick(envs, ref, "environment", f"in {req.space_id}") for ref in refs]


def release_for(req: Request, project: Doc, version: Any) -> Doc:
    if not version:
        raise invalid("The releaseVersion field is required.")
    for release in req.state.values("Releases", req.space_id):
        if (
            release["ProjectId"] == project["Id"]
            and release["Version"].lower() == str(version).lower()
        ):
            return release
    raise invalid(f"The release '{version}' of project '{project['Name']}' was not found.")
