import requests

import octoflow
from octoflow.plugin import PluginHost
from octoflow.sandbox import Sandbox, SandboxServer

KEY = "API-EXAMPLEDOCSSANDBOX000000000"
areas = PluginHost.from_entry_points().build_registry().sandbox_areas  # core is always added
sandbox = Sandbox(areas, seed="demo", api_keys=[KEY])

with SandboxServer(sandbox.app) as server:  # 127.0.0.1 on a free port
    control = requests.Session()
    control.headers["X-Octopus-ApiKey"] = KEY
    # The next two reads of tenants answer 503 with Retry-After.
    fault = {"status": 503, "retry_after": 0.1, "path_contains": "/tenants", "times": 2}
    control.put(f"{server.url}/_sandbox/settings", json={"faults": [fault]}).raise_for_status()

    octo = octoflow.connect(env={"OCTOPUS_URL": server.url, "OCTOPUS_API_KEY": KEY})
    plan = octo.plan(octo.tenants.where(tag="Region/EU").add_tag("Tier/Gold"))
    print(plan.summary)  # octoflow waited and retried through the 503s

    log = control.get(f"{server.url}/_sandbox/requests").json()
    print([(r["method"], r["path"], r["status"]) for r in log if "tenants" in r["path"]])

    control.post(f"{server.url}/_sandbox/reset", json={"seed": "empty"}).raise_for_status()
