from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
eu = octo.tenants.where(tag="Region/EU")
apac = octo.tenants.where(tag="Region/APAC")

plan = octo.plan(
    # Connect; environments already connected are kept.
    eu.add_project("Mobile Backend", environments=["Test", "Production"]),
    # Only tenants already connected to the project are touched.
    eu.add_environments("Customer Portal", ["Staging"]),
    apac.remove_environments("Customer Portal", ["Development"]),
    octo.tenants.where(tag="Region/US").remove_project("Billing API"),
)
print(plan.summary)
report = octo.apply(plan)
