from octoflow import Octoflow, PlanError

octo = Octoflow.with_sandbox("demo")

try:
    octo.plan(
        octo.tenants.where(tag="Region/Mars").add_project("Customer Portl"),
        octo.tenants.where(tag="Region/EU").add_tag("Tier/Platinum"),
    )
except PlanError as error:
    for problem in error.problems:
        print(problem)
