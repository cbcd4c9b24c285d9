from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
tenants = octo.tenants

# Octopus tag semantics: tags of one tag set are ORed, tag sets are ANDed.
# This selects tenants tagged (Region/EU or Region/US) and Tier/Gold.
eu_or_us_gold = tenants.where(tag=["Region/EU", "Region/US", "Tier/Gold"])

# Each where() narrows the selection further.
portal_tenants = tenants.where(project="Customer Portal").where(is_disabled=False)
in_production = tenants.where(environment="Production")
by_name = tenants.where(name=["Acme Cargo Ltd", "acme travel inc."])  # exact, any case
by_part = tenants.where(partial_name="acme")  # substring, any case
unconnected = tenants.where(lambda tenant: not tenant.project_environments)  # any test

# A selection without a verb changes nothing. Its plan notes how many it selects.
for selection in (eu_or_us_gold, portal_tenants, in_production, by_name, by_part, unconnected):
    print(octo.plan(selection).notes[0])
