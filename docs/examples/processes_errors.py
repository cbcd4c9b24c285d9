from octoflow import Octoflow, PlanError

octo = Octoflow.with_sandbox("demo")
apps = octo.projects.where(group="Apps")

try:
    octo.plan(
        apps.steps.where(action_type="Octopus.Script").set_container("alpine:3", feed="Dockr Hub"),
        apps.process.add_step({"Name": "Note", "ActionType": "Octopus.Script"}, after="Deplyo"),
        octo.projects.where(group="Aps").process.remove_step("Deploy"),
    )
except PlanError as error:
    for problem in error.problems:
        print(problem.message)
