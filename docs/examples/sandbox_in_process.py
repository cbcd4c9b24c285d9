import requests

from octoflow import Octoflow
from octoflow.sandbox import IN_PROCESS_URL, SANDBOX_API_KEY, SandboxAdapter

octo = Octoflow.with_sandbox("demo")
sandbox = octo.sandbox  # the in-process Sandbox behind this session

# Any requests-based client can talk to the same sandbox, without sockets.
http = requests.Session()
http.mount(IN_PROCESS_URL, SandboxAdapter(sandbox.app))
http.headers["X-Octopus-ApiKey"] = SANDBOX_API_KEY
page = http.get(f"{IN_PROCESS_URL}/api/Spaces-1/tenants", params={"tags": "Region/EU", "take": 3})
print(page.json()["TotalResults"], [tenant["Name"] for tenant in page.json()["Items"]])

octo.apply(octo.plan(octo.tenants.where(tag="Region/EU").add_tag("Tier/Gold")))
puts = [r for r in sandbox.requests if r.method == "PUT"]  # every API request is logged
print(len(puts), "PUTs, statuses", {r.status for r in puts}, "e.g.", puts[0].path)

# Reload it with Octoflow.with_sandbox("state.json") or --sandbox state.json.
sandbox.save("state.json")
