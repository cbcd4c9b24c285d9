from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")

promote = octo.deployments.promote("Test", "Staging", wait=True)
plan = octo.plan(promote)
for operation in plan.operations:
    print(operation.intents[0].summary)

report = octo.apply(plan)
print(report.recap)
print(octo.plan(promote).summary)  # everything in Test is in Staging now
