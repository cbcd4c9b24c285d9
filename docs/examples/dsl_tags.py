from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
apac = octo.tenants.where(tag="Region/APAC")

# Canonical names (TagSet/Tag); several verbs on one selection.
plan = octo.plan(apac.add_tag("Tier/Gold").remove_tag("Tier/Silver", "Tier/Bronze"))
print(plan.summary)
report = octo.apply(plan)
