from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")

# Compass Web needs Ember Admin first; Garnet Web is independent and runs alongside.
order = [
    {"project": "Ember Admin"},
    {"project": "Compass Web", "after": ["Ember Admin"]},
    {"project": "Garnet Web"},
]
plan = octo.plan(octo.deployments.coordinated(order, to="Staging"))
for operation in plan.operations:
    print(operation.name, "<-", ", ".join(operation.depends_on) or "(nothing)")

# Make Ember Admin's deployments fail in the sandbox: Compass Web is then skipped.
octo.client.request("PUT", "/_sandbox/tasks", json={"fail_projects": ["Ember Admin"]})
report = octo.apply(plan)
for result in report.results:
    print(result.outcome, result.name, "-", result.detail)
