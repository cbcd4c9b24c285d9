import octoflow

# Rehearse against the embedded sandbox; octoflow.connect() talks to a real server.
octo = octoflow.Octoflow.with_sandbox("demo")

eu = octo.tenants.where(tag="Region/EU")
plan = octo.plan(eu.add_project("Customer Portal", environments=["Test", "Production"]))
print(octoflow.render_plan(plan))

report = octo.apply(plan)
print(report.recap)  # {'ok': 0, 'changed': ..., 'failed': 0, 'skipped': 0}
assert report.succeeded

# Run it again: the server already matches, so the plan is empty.
again = octo.plan(eu.add_project("Customer Portal", environments=["Test", "Production"]))
assert again.is_empty
