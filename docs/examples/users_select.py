from octoflow import Octoflow

octo = Octoflow.with_sandbox("demo")
users = octo.users

selections = (
    users.where(team="Developers", is_active=True),
    users.where(username=["aisha.costa", "SVC-BUILD"]),  # exact, any case
    users.where(partial_name="svc-"),  # in the username, display name or e-mail
    users.where(is_service=False).where(lambda user: user.email_address.endswith(".com")),
)
# A selection without a verb changes nothing. Its plan notes how many it selects.
for selection in selections:
    print(octo.plan(selection).notes[0])
