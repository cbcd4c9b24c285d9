from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")

# A new release and its deployment in one plan: the deployment waits for the release.
statement = octo.releases.create("Ember Admin", version="2.0.0", packages="Deploy:1.8.2").deploy(
    to="Development", wait=True, timeout=600
)
plan = octo.plan(statement)
for operation in plan.operations:
    print(operation.kind, operation.name, "after", list(operation.depends_on))

report = octo.apply(plan)
print(report.recap)
print(sorted(report.results[1].outputs))
