from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
portal = octo.tenants.where(project="Customer Portal")
eu_portal = portal.where(tag="Region/EU")

plan = octo.plan(
    # A common variable: a template of a library variable set (Customer Settings).
    eu_portal.set_variable("Customer.SupportTier", "Premium"),
    # A project variable, in every environment the tenant has for that project...
    eu_portal.set_variable("Portal.Theme", "dark", project="Customer Portal"),
    # ...or only in some of them.
    eu_portal.set_variable("Portal.Hostname", "eu.portal.example.com",
                           project="Customer Portal", environments=["Test"]),
    portal.where(tag="Region/APAC").clear_variable("Customer.ContactEmail"),
)
print(render_plan(plan))
report = octo.apply(plan)
