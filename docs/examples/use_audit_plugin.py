from audit_plugin import Audit

from octoflow import Octoflow

audit = Audit()
octo = Octoflow.with_sandbox("demo", plugins=[("audit", audit)])

plan = octo.plan(octo.tenants.where(tag="Region/APAC").add_tag("Tier/Gold"))
report = octo.apply(plan)

print(audit.plans)     # [(plan id, {'add': 0, 'change': ..., 'delete': 0, 'run': 0})]
print(audit.outcomes)  # Counter({'changed': ...})
