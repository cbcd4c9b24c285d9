from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
portal = octo.projects.where(name="Customer Portal")

# Every runbook of the project, or some by name; publish() snapshots what changed.
restart = portal.runbooks("Restart App Pool").publish()
statement = restart.steps.where(name="Check health").set_worker_pool_variable("Ops.Pool")
plan = octo.plan(statement)

for operation in plan.operations:
    print(operation.action, operation.kind, operation.name)
report = octo.apply(plan)
print(report.recap)
print(octo.plan(statement).summary)  # published once: a re-run changes nothing
