from octoflow import Octoflow, PlanError

octo = Octoflow.with_sandbox("demo")

try:
    octo.plan(
        octo.runbooks.run("Ember Wbe", "Restart App Pool", environments="Tset"),
        octo.runbooks.run("Ember Web", "Restart Pool", environments="Test"),
        octo.runbooks.run("Ember Web", "Purge CDN Cache", environments="Test",
                          tenants=octo.tenants.where(tag="Region/EU")),
        octo.runbooks.run("Ember Web", "Purge CDN Cache", environments="Test",
                          snapshot="Snapshot ABCDEFG"),
    )
except PlanError as error:
    for problem in error.problems:
        print(problem.message)
