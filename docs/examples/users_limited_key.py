import requests

from octoflow.plugin import PluginHost
from octoflow.sandbox import SANDBOX_API_KEY, Sandbox, SandboxServer

areas = PluginHost.from_entry_points().build_registry().sandbox_areas
sandbox = Sandbox(areas, seed="demo")
with SandboxServer(sandbox.app) as server:
    admin = requests.Session()
    admin.headers["X-Octopus-ApiKey"] = SANDBOX_API_KEY
    # A user in no team (so with no permissions), and an API key for it.
    user = admin.post(f"{server.url}/api/users",
                      json={"Username": "robot", "DisplayName": "Robot", "IsService": True})
    key = admin.post(f"{server.url}{user.json()['Links']['Self']}/apikeys",
                     json={"Purpose": "docs"}).json()["ApiKey"]  # shown only in this response

    answer = requests.get(f"{server.url}/api/Spaces-1/tenants",
                          headers={"X-Octopus-ApiKey": key})
    print(answer.status_code, answer.json()["ErrorMessage"])
    print(answer.json()["HelpText"])
