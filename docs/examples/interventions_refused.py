import requests

from octoflow import Octoflow, PlanError
from octoflow.plugin import PluginHost
from octoflow.sandbox import SANDBOX_API_KEY, Sandbox, SandboxServer

areas = PluginHost.from_entry_points().build_registry().sandbox_areas
sandbox = Sandbox(areas, seed="demo")
with SandboxServer(sandbox.app) as server:
    admin = requests.Session()
    admin.headers["X-Octopus-ApiKey"] = SANDBOX_API_KEY
    # An API key of someone in Operations, who is not one of the Release Managers.
    teams = admin.get(f"{server.url}/api/teams/all").json()
    operator = next(t for t in teams if t["Name"] == "Operations")["MemberUserIds"][0]
    key = admin.post(f"{server.url}/api/users/{operator}/apikeys",
                     json={"Purpose": "docs"}).json()["ApiKey"]

    octo = Octoflow.connect(env={"OCTOPUS_URL": server.url, "OCTOPUS_API_KEY": key})
    try:
        octo.plan(octo.interventions.where(project="Harbor Admin").proceed())
    except PlanError as error:
        for problem in error.problems:
            print(problem.message)
            print(problem.hint)
