from octoflow import Octoflow, PlanError

octo = Octoflow.with_sandbox("demo")

try:
    octo.plan(
        octo.teams.where(name="Release Manager").add_members(["aisha.costs"]),
        octo.teams.where(is_system=True).delete(),
        octo.teams.where(name="Developers").grant("Project deployr", environments="Prod"),
    )
except PlanError as error:
    for problem in error.problems:
        print(problem.message)
