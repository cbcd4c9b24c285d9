"""Add the users listed in a CSV file to a team, creating what is missing.

The team is created in the current space when it does not exist. The CSV has
the header username,display_name,email (optionally followed by is_service);
every bad row is reported with its line number and nothing is written. Users
that do not exist yet are created (unless create_missing is false); existing
users get the display name and e-mail of their row. Each new person gets a
random initial password, written only to the passwords_out file (CSV
username,password, mode 0600), a row as each user is created: a new file, or
one an earlier run wrote, which is added to. Service accounts get none. The
plan works without passwords_out; apply needs it when people are created. A
run after an interrupted one settles the passwords it left pending.
"""

from octoflow.recipe import Param

PARAMETERS = (
    Param("team", "Name of the team (created in the current space if missing)"),
    Param("users_csv", "CSV file with the header username,display_name,email", kind="file"),
    Param("create_missing", "Create users that do not exist yet", kind="bool", default=True),
    Param(
        "passwords_out",
        "File for the initial passwords of new users (CSV username,password, mode 0600); "
        "new, or one an earlier run wrote",
        default="",
    ),
)


def statements(octo, team, users_csv, create_missing, passwords_out):
    rows = octo.users.from_csv(users_csv)
    users = octo.users.ensure_many(rows, create=create_missing, passwords_out=passwords_out or None)
    return octo.teams.ensure(team).add_members(users)
