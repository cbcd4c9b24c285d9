import octoflow

# Reads OCTOPUS_URL, OCTOPUS_API_KEY (or OCTOPUS_ACCESS_TOKEN) and OCTOPUS_SPACE.
octo = octoflow.connect()

plan = octo.plan(octo.tenants.where(tag="Region/EU").add_project("Customer Portal"))
print(octoflow.render_plan(plan))
