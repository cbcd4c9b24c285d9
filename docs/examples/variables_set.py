from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
portal = octo.variables.project("Customer Portal")
statements = [
    # The unscoped Portal.LogLevel exists: it is changed in place.
    portal.set("Portal.LogLevel", "Warning"),
    portal.set("Portal.Region", "eu-west-1", scope={"environments": ["Test", "Production"]}),
    portal.remove("Portal.CacheSizeMb", scope={"roles": "web"}),
    # A sensitive value is read from $PORTAL_SMTP_PASSWORD right before the write.
    portal.set(
        "Portal.SmtpPassword",
        sensitive=True,
        from_env="PORTAL_SMTP_PASSWORD",
        scope={"environments": "Production"},
    ),
    octo.variables.library("Customer Settings").set("Support.Email", "help@example.com"),
]
plan = octo.plan(*statements)
print(render_plan(plan))
print(octo.apply(plan).recap)
print(octo.plan(*statements).is_empty)
