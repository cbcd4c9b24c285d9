from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")

plan = octo.plan(
    # Created when missing; otherwise only what differs is changed.
    octo.tenants.ensure(
        "Globex",
        tags=["Region/EU", "Tier/Silver"],
        description="Onboarded by octoflow",
        projects={"Customer Portal": ["Test", "Production"]},
    ),
    octo.tenants.where(is_disabled=True).delete(),
)
print(render_plan(plan))
report = octo.apply(plan)
