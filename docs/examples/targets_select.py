from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
targets = octo.targets

# Several values for one keyword select any of them; keywords are ANDed.
web_in_test = targets.where(role="web", environment="Test")
data_tier = targets.where(role=["db", "worker"]).where(environment="Production")
eu_customers = targets.where(tenant_tag="Region/EU")  # tenant tags: Octopus tag semantics
acme = targets.where(tenant="Summit Health Ltd.")  # explicitly linked to the tenant
struggling = targets.where(health=["Unavailable", "Unhealthy"], is_disabled=False)
kubernetes = targets.where(comm_style="kubernetes", partial_name="prod-")
tenanted = targets.where(lambda target: target.tenanted_deployment_participation == "Tenanted")

# A selection without a verb changes nothing. Its plan notes how many it selects.
for selection in (web_in_test, data_tier, eu_customers, acme, struggling, kubernetes, tenanted):
    print(octo.plan(selection).notes[0])
