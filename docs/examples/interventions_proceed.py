from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
approvals = octo.interventions.where(project="Harbor Admin", environment="Production")

plan = octo.plan(approvals.proceed("Change CHG-1234 approved", wait=True))
print(render_plan(plan))
report = octo.apply(plan)
print(report.results[0].detail)
print(report.results[0].outputs)

print(octo.plan(approvals.proceed()).summary)  # answered: nothing is pending any more
