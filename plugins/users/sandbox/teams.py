"""Teams: ``/api/teams`` and ``/api/{spaceId}/teams`` (REFERENCE §12.2).

A team with ``SpaceId`` null is a system team, visible in every space; the
others belong to one space. ``GET /api/teams`` lists every team (filters
``spaces`` and ``includeSystem``); ``GET /api/{spaceId}/teams`` lists the
space's teams and, unless ``includeSystem=false``, the system teams. Creating
through ``/api/teams`` takes ``SpaceId`` from the body (null: a system team);
through ``/api/{spaceId}/teams`` the team belongs to that space.

The ``Can*`` flags are the server's: built-in teams cannot be deleted or
renamed, the members of ``Everyone`` are every user and cannot be changed,
and the roles of the administrator teams are fixed.
"""

from __future__ import annotations

from octoflow.sandbox.area import CIDict, Doc, Request, Resource, SandboxError, not_found, page

TEAM_QUERY = "{?skip,take,ids,partialName,spaces,includeSystem}"
EVERYONE = "teams-everyone"
READ_ONLY_DELETE = "This resource is read-only and cannot be deleted."
FLAGS = ("CanBeDeleted", "CanBeRenamed", "CanChangeMembers", "CanChangeRoles")


def defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Description": None,
        "SpaceId": None,
        "MemberUserIds": [],
        "ExternalSecurityGroups": [],
        **{flag: True for flag in FLAGS},
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def team_base(doc: Doc) -> str:
    space = doc.get("SpaceId")
    return f"/api/{space}/teams/{doc['Id']}" if space else f"/api/teams/{doc['Id']}"


def links(doc: Doc) -> dict[str, str]:
    base = team_base(doc)
    return {"Self": base, "ScopedUserRoles": base + "/scopeduserroles{?skip,take}"}


def include_system(req: Request) -> bool:
    flag = req.query.bool("includeSystem")
    return True if flag is None else flag


def visible(req: Request, doc: Doc) -> bool:
    """Whether a space-scoped request (or any system one) can see ``doc``."""
    return not req.space_id or doc.get("SpaceId") in (None, req.space_id)


class SpaceOrSystemResource(Resource):
    """Documents that are either system-wide (``SpaceId`` null) or in one space."""

    def base_path(self, req: Request) -> str:
        return f"/api/{req.space_id}/{self.segment}" if req.space_id else f"/api/{self.segment}"

    def find(self, req: Request, ref: str) -> Doc:
        doc = req.state.get(self.collection, ref)
        if doc is None or not visible(req, doc):
            raise not_found(ref)
        return doc

    def items(self, req: Request) -> list[Doc]:
        docs = req.state.values(self.collection)
        system = include_system(req)
        spaces = {s.lower() for s in req.query.getlist("spaces")}
        if req.space_id:
            spaces = {req.space_id.lower()}
        out = []
        for doc in docs:
            space = doc.get("SpaceId")
            if space is None:
                keep = system
            else:
                keep = not spaces or space.lower() in spaces
            if keep:
                out.append(doc)
        return out

    def space_for(
        self, req: Request, body: CIDict, old: Doc | None
    ) -> tuple[str | None, list[str]]:
        """The ``SpaceId`` a new document gets (a PUT cannot move it)."""
        if old is not None:
            return old.get("SpaceId"), []
        if req.space_id:
            return req.space_id, []
        space = body.get("SpaceId")
        if space in (None, ""):
            return None, []
        found = req.state.get("Spaces", str(space))
        if found is None:
            return None, [f"The space '{space}' does not exist."]
        return found["Id"], []


class TeamResource(SpaceOrSystemResource):
    def delete(self, req: Request) -> tuple[int, None]:
        doc = self.find(req, req.path_params["id"])
        if not doc.get("CanBeDeleted", True):
            raise SandboxError(400, READ_ONLY_DELETE, errors=[READ_ONLY_DELETE])
        return super().delete(req)


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    doc["SpaceId"], errors = TEAMS.space_for(req, body, old)
    for flag in FLAGS:
        doc[flag] = True if old is None else old.get(flag, True)
    doc["MemberUserIds"] = list(dict.fromkeys(doc.get("MemberUserIds") or []))
    return errors


def validate(req: Request, doc: Doc, old: Doc | None) -> list[str]:
    errors = [
        f"The user '{user_id}' does not exist."
        for user_id in doc["MemberUserIds"]
        if not isinstance(user_id, str) or req.state.get("Users", user_id) is None
    ]
    if old is None:
        return errors
    if not old.get("CanBeRenamed", True) and doc.get("Name") != old.get("Name"):
        errors.append(f"The team '{old['Name']}' is built in and cannot be renamed.")
    if not old.get("CanChangeMembers", True) and set(doc["MemberUserIds"]) != set(
        old.get("MemberUserIds") or []
    ):
        errors.append(f"The members of the team '{old['Name']}' cannot be changed.")
    return errors


def scoped_roles_of_team(req: Request) -> Doc:
    """``GET /teams/{id}/scopeduserroles``: the team's scoped user roles, paged."""
    team = TEAMS.find(req, req.path_params["id"])
    roles = sorted(
        (r for r in req.state.values("ScopedUserRoles") if r["TeamId"] == team["Id"]),
        key=lambda r: int(r["Id"].rsplit("-", 1)[1]),
    )
    return page(req, roles, "ScopedUserRole", team_base(team) + "/scopeduserroles", "{?skip,take}")


def forget_user(req: Request, old: Doc | None, new: Doc | None) -> None:
    """A deleted user leaves every team."""
    if new is not None or old is None:
        return
    for team in req.state.values("Teams"):
        if old["Id"] in team["MemberUserIds"]:
            team["MemberUserIds"] = [u for u in team["MemberUserIds"] if u != old["Id"]]


def forget_roles(req: Request, doc: Doc) -> None:
    for role in [r for r in req.state.values("ScopedUserRoles") if r["TeamId"] == doc["Id"]]:
        req.state.remove("ScopedUserRoles", role["Id"])


TEAMS = TeamResource(
    collection="Teams",
    segment="teams",
    item_type="Team",
    noun="team",
    query_template=TEAM_QUERY,
    defaults=defaults,
    links=links,
    validate=validate,
    prepare=prepare,
    space_scoped=False,
    has_slug=False,
    keep_on_update=FLAGS,
    on_delete=forget_roles,
    nested_fields=("DisplayIdAndName", "DisplayName"),
)
