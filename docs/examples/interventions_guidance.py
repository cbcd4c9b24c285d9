from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
# The sandbox's task schedule: make Ember Web's tasks fail on their last step.
octo.client.request("PUT", "/_sandbox/tasks", json={"fail_projects": ["Ember Web"]})
octo.apply(octo.plan(octo.runbooks.run("Ember Web", "Restart App Pool", environments="Test",
                                       guided_failure=True)))

ember = octo.interventions.where(project="Ember Web")
plan = octo.plan(ember.guidance("ignore", notes="Health check is flaky", wait=True))
print(render_plan(plan))
print(octo.apply(plan).results[0].detail)
