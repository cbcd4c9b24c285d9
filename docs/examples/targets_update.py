from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
web_in_test = octo.targets.where(role="web", environment="Test")

plan = octo.plan(web_in_test.add_role("api").add_environment("Staging"))
print(render_plan(plan).splitlines()[4:10])
print(plan.summary, [u.name for u in plan.unchanged])
report = octo.apply(plan)
print(report.recap, report.requests, "requests")

# Verbs say what should be true: the same statement now plans nothing.
print(octo.plan(web_in_test.add_role("api").add_environment("Staging")).is_empty)
