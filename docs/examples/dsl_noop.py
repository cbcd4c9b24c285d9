from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
statement = octo.tenants.where(tag="Region/EU").add_project("Customer Portal", ["Test"])
octo.apply(octo.plan(statement))

again = octo.plan(statement)
assert again.is_empty
print(render_plan(again, verbose=True))  # verbose lists each unchanged tenant and why
print(again.unchanged[0].reasons)
