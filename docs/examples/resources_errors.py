from octoflow import Octoflow, PlanError

octo = Octoflow.with_sandbox("demo")
default = octo.resources("Lifecycles").where(name="Default Lifecycle")

try:
    octo.plan(
        octo.resources("Lifecycle").set("Description", "x"),
        default.set("ReleaseRetentionPolicy.QuantityToKep", 30),
        default.set("Phases[Name=UAT].IsOptionalPhase", True),
        default.set("ReleaseRetentionPolicy.QuantityToKeep", "thirty"),
        octo.resources("Feeds").where(name="Docker Hub").set("Password.NewValue", "s3cret"),
    )
except PlanError as error:
    for problem in error.problems:
        print(problem.message)
