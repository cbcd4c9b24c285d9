from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
lifecycles = octo.resources("Lifecycles")

plan = octo.plan(
    lifecycles.where(name="Default Lifecycle")
    .set("ReleaseRetentionPolicy.QuantityToKeep", 30)
    .set("ReleaseRetentionPolicy.ShouldKeepForever", False)
    .set("ReleaseRetentionPolicy.Strategy", "Count")
    .set("Phases[Name=Production].MinimumEnvironmentsBeforePromotion", 1),
    octo.resources("Environments").where(name=["Staging", "Production"])
    .set("UseGuidedFailure", True),
)
print(render_plan(plan))
report = octo.apply(plan)
print(report.recap)
