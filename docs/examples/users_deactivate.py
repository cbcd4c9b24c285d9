from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
robots = octo.users.where(is_service=True)

plan = octo.plan(
    robots.deactivate(),
    octo.users.where(is_active=False).remove_from_team("Developers"),
    octo.teams.where(name="Operations").remove_members(["aisha.costa"]),
)
print(render_plan(plan, verbose=True))
report = octo.apply(plan)
assert octo.plan(robots.deactivate()).is_empty  # a converged server plans nothing
