from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
restart = octo.runbooks.run("Ember Web", "Restart App Pool", environments="Test, Staging",
                            skip_steps="Check health", wait=True)

plan = octo.plan(restart)
print(render_plan(plan))
report = octo.apply(plan, concurrency=1)  # one run at a time: ids in plan order
for result in report.results:
    print(f"{result.name}: {result.detail}")
    print(f"  {result.outputs}")
