from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
portal = octo.projects.where(name="Customer Portal")

# A step from the space's step-template library, with its parameters.
slack = portal.process.add_step(
    template="Slack - Send Simple Notification",
    name="Tell the team",
    parameters={"ssn_Channel": "#releases", "ssn_Message": "#{Octopus.Release.Number} is out"},
    first=True,
)
# Moving and removing steps, by name.
tidy = portal.process.move_step("Smoke test", before="Deploy")
tidy = tidy.remove_step("Run database migrations")

plan = octo.plan(slack, tidy)  # one process, so one write
for intent in plan.operations[0].intents:
    print(intent.summary)
octo.apply(plan)
