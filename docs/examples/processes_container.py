from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
# Database projects only: docs/config-as-code.md shows the version-controlled ones.
apps = octo.projects.where(group="Apps", is_version_controlled=False)

# Run every script step of the Apps projects that runs on a worker in a container.
scripts = apps.steps.where(action_type="Octopus.Script", runs_on_worker=True)
statement = scripts.set_container("octopuslabs/workertools:latest", feed="Docker Hub")

plan = octo.plan(statement)
print(render_plan(plan).splitlines()[-2])
report = octo.apply(plan)
print(report.recap)

# Converged: the same statement plans zero changes.
print(octo.plan(statement).summary)
