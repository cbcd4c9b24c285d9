from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
plan = octo.plan(
    octo.feeds.ensure(
        "Partner NuGet", "NuGet", fields={"FeedUri": "https://nuget.partner.example/v3/index.json"}
    ),
    octo.accounts.where(name="AWS Legacy").replace_with("AWS Deployments"),
)
print(render_plan(plan))
report = octo.apply(plan)
print(report.recap)
