from octoflow import Octoflow, PlanError

octo = Octoflow.with_sandbox("demo")

try:
    octo.plan(
        octo.targets.where(role="wbe", environment="Tset").add_role("api"),
        octo.targets.where(role="db").remove_role("db"),
    )
except PlanError as error:
    for problem in error.problems:
        print(problem.message)
