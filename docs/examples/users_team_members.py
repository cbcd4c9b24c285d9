from pathlib import Path

from octoflow import Octoflow, render_plan

octo = Octoflow.with_sandbox("demo")
Path("people.csv").write_text(
    "username,display_name,email\n"
    "grace.hopper,Grace Hopper,grace.hopper@example.com\n"
    "alan.turing,Alan Turing,alan.turing@example.com\n"
    "aisha.costa,Aisha Costa,aisha.costa@example.com\n"  # exists already
)

rows = octo.users.from_csv("people.csv")  # every bad row is reported, by line
new_people = octo.users.ensure_many(rows, passwords_out="passwords.csv")
plan = octo.plan(octo.teams.ensure("Release Managers").add_members(new_people))
print(render_plan(plan))
report = octo.apply(plan)
print(report.recap)
print(Path("passwords.csv").read_text().splitlines()[0])  # username,password; mode 0600
