"""Interruptions (REFERENCE §11): manual interventions and guided failure.

A task that reaches an enabled ``Octopus.Manual`` step, or a failing step with
guided failure on, pauses with a pending interruption (``taskrun``).
Someone takes responsibility (``PUT …/responsible``: only members of the
step's ``ResponsibleTeamIds``, or anyone when it names none; the sandbox's own
keys act as the administrator, who may) and submits the form (``POST
…/submit``): ``Result`` ``Proceed``/``Abort`` for a manual intervention,
``Guidance`` ``Fail``/``Retry``/``Ignore``/``Exclude`` for guided failure.

``CanTakeResponsibility`` and ``HasResponsibility`` depend on who asks, so the
stored document holds the administrator's view and each response is
personalised.
"""

from __future__ import annotations

import random
import string

from octoflow_plugins.deployments.sandbox import taskrun as run

from octoflow.sandbox.area import Doc, Request, Router, SandboxError, State, not_found, page

COLLECTION = "Interruptions"
QUERY = "{?skip,take,regarding,pendingOnly,ids}"
EVERYONE = "teams-everyone"
MANUAL, GUIDED = "ManualIntervention", "GuidedFailure"
SUBMITTED = "The interruption has already been submitted."
TAKEN_ELSEWHERE = "This interruption has already been submitted, possibly by another user."
NOT_RESPONSIBLE = (
    "You must take responsibility for this interruption before attempting to submit it."
)
SOMEONE_ELSE = (
    "Someone else has taken responsibility for this interruption, and only they are allowed "
    "to submit it."
)
FORM_ERRORS = "There were errors with the form."
# UNCONFIRMED: the real server's refusal for a user outside the responsible teams was not
# found; a 403 naming the teams is the most plausible answer.
NOT_IN_TEAMS = (
    "You do not have permission to take responsibility for this interruption. Only members "
    "of these teams may: {teams}."
)
# UNCONFIRMED: what GET …/responsible answers before anyone took responsibility.
NOBODY = "Nobody has taken responsibility for the interruption '{id}' yet."
BUTTONS = {
    MANUAL: ("Result", (("Proceed", "Proceed", False), ("Abort", "Abort", True))),
    GUIDED: (
        "Guidance",
        (
            ("Fail", "Fail", True),
            ("Retry", "Retry", False),
            ("Ignore", "Ignore", False),
            ("Exclude machine from deployment", "Exclude", True),
        ),
    ),
}


# -- documents ---------------------------------------------------------------------------


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/interruptions/{doc['Id']}"
    return {"Self": base, "Submit": base + "/submit", "Responsible": base + "/responsible"}


def form(kind: str, instructions: str | None) -> Doc:
    """The form of a manual intervention (Instructions, Notes, Result) or of guided failure."""
    field, buttons = BUTTONS[kind]
    elements = []
    if kind == MANUAL:
        paragraph = {"Type": "Paragraph", "Text": instructions or "", "ResolveLinks": False}
        elements.append({"Name": "Instructions", "Control": paragraph, "IsValueRequired": False})
    elements.append(
        {
            "Name": "Notes",
            "Control": {"Type": "TextArea", "Label": "Notes"},
            "IsValueRequired": False,
        }
    )
    group = [{"Text": t, "Value": v, "RequiresConfirmation": c} for t, v, c in buttons]
    elements.append(
        {
            "Name": field,
            "Control": {"Type": "SubmitButtonGroup", "Buttons": group},
            "IsValueRequired": False,
        }
    )
    return {"Values": {e["Name"]: None for e in elements}, "Elements": elements}


def open_interruption(state: State, task: Doc, plan: Doc, step: Doc, kind: str) -> Doc:
    """A pending interruption for ``step`` (``kind``: ManualIntervention or GuidedFailure)."""
    manual = step.get("Manual") or {}
    doc_id = state.next_id(COLLECTION)
    rng = random.Random(doc_id)
    code = "".join(rng.choices(string.ascii_uppercase + string.digits, k=10))
    title = step["StepName"] if kind == MANUAL else f"{step['StepName']} requires failure guidance"
    doc = {
        "Id": doc_id,
        "Title": title,
        "Type": kind,
        "Created": state.now(),
        "IsPending": True,
        "Form": form(kind, manual.get("Instructions")),
        "RelatedDocumentIds": related_ids(plan, task),
        "ResponsibleTeamIds": list(manual.get("ResponsibleTeamIds") or [])
        if kind == MANUAL
        else [],
        "ResponsibleUserId": None,
        "CanTakeResponsibility": True,
        "HasResponsibility": False,
        "TaskId": task["Id"],
        "CorrelationId": f"{task['Id']}_{code}/{rng.getrandbits(128):032x}/"
        f"{rng.getrandbits(128):032x}",
        "IsLinkedToOtherInterruption": False,
        "SpaceId": task["SpaceId"],
        "LastModifiedOn": None,
        "LastModifiedBy": None,
    }
    state.stamp(doc)
    doc["Links"] = links(doc)
    return state.put(COLLECTION, doc)


def related_ids(plan: Doc, task: Doc) -> list[str]:
    """The run (deployment or runbook run), its task, then its project, environment, tenant."""
    ids = list(plan.get("RelatedDocumentIds") or [])
    return [*ids[:1], task["Id"], *ids[1:]]


def close_interruptions(state: State, task_id: str) -> None:
    """A canceled task's pending interruptions are no longer pending."""
    for doc in state.values(COLLECTION):
        if doc["TaskId"] == task_id and doc["IsPending"]:
            doc["IsPending"] = False
            state.stamp(doc)


# -- who is asking -----------------------------------------------------------------------------


def acting_user_id(state: State, user_id: str | None) -> str:
    """The user acting; ``None`` (the sandbox's own keys) acts as the built-in ``admin``."""
    if user_id:
        return user_id
    admin = next((u for u in state.values("Users") if u.get("Username") == "admin"), None)
    return admin["Id"] if admin else "Users-1"


def may_take(req: Request, doc: Doc) -> bool:
    teams = doc["ResponsibleTeamIds"]
    if req.user_id is None or not teams:
        return True
    for team_id in teams:
        team = req.state.get("Teams", team_id) or {}
        if team_id == EVERYONE or req.user_id in (team.get("MemberUserIds") or []):
            return True
    return False


def served(req: Request, doc: Doc) -> Doc:
    """The interruption as the requesting user sees it."""
    mine = doc["ResponsibleUserId"] == acting_user_id(req.state, req.user_id)
    return dict(
        doc, CanTakeResponsibility=doc["IsPending"] and may_take(req, doc), HasResponsibility=mine
    )


# -- routes -------------------------------------------------------------------------------------


def find(req: Request, ref: str) -> Doc:
    doc = req.state.get(COLLECTION, ref)
    if doc is None or doc.get("SpaceId") != req.space_id:
        raise not_found(ref)
    return doc


def refresh_space(req: Request) -> None:
    """Let running tasks reach their interruptions before interruptions are listed."""
    for task in req.state.values(run.COLLECTION, req.space_id):
        if not task["IsCompleted"]:
            run.refresh_task(req.state, task)


def list_interruptions(req: Request) -> Doc:
    refresh_space(req)
    items = req.state.values(COLLECTION, req.space_id)
    ids = {i.lower() for i in req.query.getlist("ids")}
    if ids:
        items = [d for d in items if d["Id"].lower() in ids]
    regarding = {r.lower() for r in req.query.getlist("regarding")}
    if regarding:
        items = [d for d in items if regarding & _related(d)]
    if req.query.bool("pendingOnly"):
        items = [d for d in items if d["IsPending"]]
    items.sort(key=lambda d: int(d["Id"].rpartition("-")[2]), reverse=True)
    base = f"/api/{req.space_id}/interruptions"
    return page(req, [served(req, d) for d in items], "Interruption", base, QUERY)


def _related(doc: Doc) -> set[str]:
    return {r.lower() for r in [*doc["RelatedDocumentIds"], doc["TaskId"]]}


def get_interruption(req: Request) -> Doc:
    return served(req, find(req, req.path_params["id"]))


def get_responsible(req: Request) -> Doc:
    doc = find(req, req.path_params["id"])
    user = req.state.get("Users", doc["ResponsibleUserId"])
    if user is None:
        raise SandboxError(404, NOBODY.format(id=doc["Id"]))
    return user


def take_responsibility(req: Request) -> Doc:
    doc = find(req, req.path_params["id"])
    if not doc["IsPending"]:
        raise SandboxError(400, TAKEN_ELSEWHERE, errors=[TAKEN_ELSEWHERE])
    if not may_take(req, doc):
        names = [
            (req.state.get("Teams", t) or {}).get("Name") or t for t in doc["ResponsibleTeamIds"]
        ]
        raise SandboxError(403, NOT_IN_TEAMS.format(teams=", ".join(names)))
    user_id = acting_user_id(req.state, req.user_id)
    doc["ResponsibleUserId"] = user_id
    req.state.stamp(doc)
    return req.state.get("Users", user_id) or {"Id": user_id, "Username": "admin"}


def submit(req: Request) -> Doc:
    """Answer the form; the task proceeds, retries, continues or fails accordingly."""
    doc = find(req, req.path_params["id"])
    body = req.json_object()
    if not doc["IsPending"]:
        raise SandboxError(400, SUBMITTED, errors=[SUBMITTED])
    if doc["ResponsibleUserId"] is None:
        raise SandboxError(400, NOT_RESPONSIBLE, errors=[NOT_RESPONSIBLE])
    if doc["ResponsibleUserId"] != acting_user_id(req.state, req.user_id):
        raise SandboxError(400, SOMEONE_ELSE, errors=[SOMEONE_ELSE])
    field, buttons = BUTTONS[doc["Type"]]
    sent = body.get(field)
    choice = next(
        (v for _, v, _ in buttons if isinstance(sent, str) and v.lower() == sent.lower()), None
    )
    if choice is None:
        allowed = ", ".join(v for _, v, _ in buttons)
        problem = f"{field} is required" if sent in (None, "") else f"'{sent}' is not a {field}"
        raise SandboxError(400, FORM_ERRORS, errors=[f"{problem}: choose one of {allowed}."])
    notes = body.get("Notes")
    doc["Form"]["Values"].update(
        {field: choice, "Notes": notes if isinstance(notes, str) else None}
    )
    doc["IsPending"] = False
    req.state.stamp(doc)
    task = req.state.get(run.COLLECTION, doc["TaskId"])
    if task is not None:
        run.resume(req.state, task, choice)
    return served(req, doc)


def register_routes(router: Router) -> None:
    router.space("GET", "/interruptions", list_interruptions)
    router.space("GET", "/interruptions/{id}", get_interruption)
    router.space("GET", "/interruptions/{id}/responsible", get_responsible)
    router.space("PUT", "/interruptions/{id}/responsible", take_responsibility)
    router.space("POST", "/interruptions/{id}/submit", submit)
    router.link("Interruptions", "/interruptions{/id}" + QUERY)
