from pathlib import Path

from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
# Database projects only: docs/config-as-code.md shows the version-controlled ones.
apps = octo.projects.where(group="Apps", is_version_controlled=False)

# A jinja2 template, rendered for each project ("project" is in scope).
template = Path(__file__).with_name("processes_notify.json.j2")
add = apps.process.add_step(template, after="Deploy")

plan = octo.plan(add)
first = plan.operations[0]
print(first.name, "-", first.intents[0].summary)
print(first.intents[0].args["step"]["Actions"][0]["Properties"]["Octopus.Action.Script.ScriptBody"])
octo.apply(plan)

# Idempotent by step name: a second run adds nothing.
again = octo.plan(add)
print(again.summary, again.unchanged[0].reasons)
