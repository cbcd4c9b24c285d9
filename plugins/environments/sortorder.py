"""Sort order: put an environment right after another (``PUT environments/sortorder``).

The sort order is one list for the whole space, so it is a run operation, not a
document edit: the action reads the order as the server has it right then, moves
the one environment, and sends the whole list back, so environments added or
moved meanwhile keep their places.
"""

from __future__ import annotations

from octoflow.provider import ActionCall, ActionFailed, ActionResult

PLACE_AFTER = "environments.place_after"


def placed_after(ids: list[str], env_id: str, after_id: str) -> list[str]:
    """``ids`` with ``env_id`` moved to right after ``after_id``."""
    rest = [i for i in ids if i != env_id]
    if after_id not in rest or env_id not in ids:
        missing = after_id if after_id not in rest else env_id
        raise ActionFailed(f"environment {missing} no longer exists: plan again")
    position = rest.index(after_id) + 1
    return [*rest[:position], env_id, *rest[position:]]


def place_after(call: ActionCall) -> ActionResult:
    env_id, after_id = call.args["environment_id"], call.args["after_id"]
    listed = call.client.get(call.client.space_path("environments/all"))
    ids = [str(e["Id"]) for e in listed]
    wanted = placed_after(ids, env_id, after_id)
    if wanted == ids:
        return ActionResult(False, "already in place")
    call.client.request("PUT", call.client.space_path("environments/sortorder"), json=wanted)
    return ActionResult(True, f"sort order: {', '.join(wanted)}")


ACTIONS = {PLACE_AFTER: place_after}
