from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
customer_apps = octo.channels.where(group="Customer Apps")

plan = octo.plan(
    customer_apps.ensure(
        "Hotfix",
        lifecycle="Dev and Test Only",
        rules=[{"steps": "*", "tag": "^hotfix"}],
        tenant_tags=["Tier/Gold"],
        description="Urgent fixes only.",
    ),
)
print(render_plan(plan))
report = octo.apply(plan)
print(report.recap)
print(octo.plan(customer_apps.ensure("Hotfix", rules=[{"steps": "*", "tag": "^hotfix"}])).summary)
