from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")

# The next version, the newest stable package below 1.3.2, release notes from a template.
release = octo.releases.create(
    "Garnet Web",
    packages="Deploy:[1.0,1.3.2)",
    notes="{{ project }} with Deploy {{ packages['Deploy'] }}",
)
plan = octo.plan(release)
for operation in plan.operations:
    print(operation.intents[0].summary)

report = octo.apply(plan)
print(report.results[0].outputs)
print(octo.plan(release).unchanged[0].reasons[0])  # same packages: no second release
