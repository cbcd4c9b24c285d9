"""Proceed with or abort the pending manual interventions of projects and environments.

Selects the pending manual interventions of the projects in project and the
environments in environment (each comma-separated; left out: any), takes
responsibility for each and submits action (proceed or abort) with notes. An
intervention the API key's user may not take responsibility for stops the
plan, naming the teams that may. With wait=true (proceed only), apply follows
each task to its end and fails when one fails or timeout seconds pass. Once
answered, an intervention is no longer pending: a second run plans nothing.
"""

from octoflow.errors import UsageError
from octoflow.recipe import Param
from octoflow.registry import unknown_name_message

ACTIONS = ("proceed", "abort")

PARAMETERS = (
    Param("action", "What to answer: proceed or abort"),
    Param("project", "Comma-separated project names (default: any)", kind="list", default=[]),
    Param(
        "environment", "Comma-separated environment names (default: any)", kind="list", default=[]
    ),
    Param("notes", "Notes submitted with the answer", default=""),
    Param("wait", "After proceeding, wait for the tasks to finish", kind="bool", default=False),
    Param("timeout", "Seconds to wait before failing", kind="int", default=1800),
)


def statements(octo, action, project, environment, notes, wait, timeout):
    action = action.strip().lower()
    if action not in ACTIONS:
        raise UsageError("interventions: " + unknown_name_message("action", action, ACTIONS))
    if wait and action == "abort":
        raise UsageError("interventions: wait=true goes with action=proceed (abort fails the task)")
    selected = octo.interventions
    if project:
        selected = selected.where(project=project)
    if environment:
        selected = selected.where(environment=environment)
    if action == "abort":
        return selected.abort(notes)
    return selected.proceed(notes, wait=wait, timeout=timeout)
