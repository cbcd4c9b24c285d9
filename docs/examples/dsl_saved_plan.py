import json

from octoflow import Octoflow, Plan
from octoflow.errors import ConflictError

octo = Octoflow.with_sandbox("demo")
acme = octo.tenants.where(name="Acme Cargo Ltd")

saved = octo.plan(acme.add_tag("Tier/Gold")).dumps()  # JSON text, e.g. for a file

# Meanwhile, someone deletes the tenant.
octo.apply(octo.plan(acme.delete()))

plan = Plan.from_json(json.loads(saved))
try:
    # Check every document before writing anything, as `octoflow apply plan.json` does.
    octo.apply(plan, preflight=True)
except ConflictError as error:
    print(error)
