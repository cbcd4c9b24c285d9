from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
eu = octo.tenants.where(tag="Region/EU")

plan = octo.plan(
    eu.add_project("Customer Portal", environments=["Test"]),
    eu.add_tag("Tier/Gold"),
    octo.tenants.where(tag="Tier/Silver").remove_tag("Tier/Silver"),
)
# A tenant that is in Region/EU and Tier/Silver is written once, with every intent.
busiest = max(plan.operations, key=lambda op: len(op.intents))
print(busiest.name, [intent.summary for intent in busiest.intents])
