from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
workers = octo.workers

plan = octo.plan(
    # Linux workers serve the Linux pool only; the unhealthy Windows worker is parked.
    workers.where(pool="Default Worker Pool", comm_style="ssh").remove_from_pool(
        "Default Worker Pool"
    ),
    workers.where(health="Unhealthy").disable(),
    workers.where(name="linux-worker-03").add_to_pool("Default Worker Pool"),
)
print(render_plan(plan))
report = octo.apply(plan)
