"""Intent functions of the users provider: small, idempotent document edits.

``user.initial_password`` is an apply-time intent: it runs only when apply
creates the user, so the password it makes is in no plan, journal or report;
it goes to the server in the create request and to the ``passwords_out`` file
(see :mod:`octoflow_plugins.users.passwords`), nowhere else.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Mapping
from typing import Any

from octoflow_plugins.users.passwords import HEADER

from octoflow.provider import UsageError, register_secret

Doc = dict[str, Any]
Args = Mapping[str, Any]
PASSWORD_LENGTH = 20
_SYMBOLS = "!#%+-.:=?@_"
_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, _SYMBOLS)


def set_fields(doc: Doc, args: Args) -> None:
    """Set top-level fields (``DisplayName``, ``EmailAddress``, ``IsActive``, ``Name`` …)."""
    doc.update(args["fields"])


def add_members(doc: Doc, args: Args) -> None:
    members = list(doc.get("MemberUserIds") or [])
    doc["MemberUserIds"] = members + [u for u in args["user_ids"] if u not in members]


def remove_members(doc: Doc, args: Args) -> None:
    gone = set(args["user_ids"])
    doc["MemberUserIds"] = [u for u in doc.get("MemberUserIds") or [] if u not in gone]


def widen_scope(doc: Doc, args: Args) -> None:
    """Let a scoped role reach at least these ids (an empty list: everything)."""
    for field, ids in args["scopes"].items():
        current = list(doc.get(field) or [])
        if not ids:
            doc[field] = []
        elif current:
            doc[field] = current + [i for i in ids if i not in current]


def narrow_scope(doc: Doc, args: Args) -> None:
    """Take ids out of a scoped role's restrictions (planned only where some remain)."""
    for field, ids in args["scopes"].items():
        doc[field] = [i for i in doc.get(field) or [] if i not in set(ids)]


def initial_password(doc: Doc, args: Args, secret_row: Callable[..., None]) -> None:
    """Give a new user a random password, written only to the ``passwords_out`` file."""
    if not args.get("passwords_out"):
        raise UsageError(
            "this plan creates users who need an initial password, but it names no "
            "passwords_out file for them: plan again with one (-p passwords_out=FILE)"
        )
    password = new_password()
    register_secret(password)  # masked wherever octoflow might print it
    doc["Password"] = password
    secret_row(args["passwords_out"], HEADER, (doc["Username"], password))


def new_password() -> str:
    """20 random characters with a lower- and upper-case letter, a digit and a symbol,
    starting with a letter or digit (so the CSV file never needs to escape it)."""
    alphabet = "".join(_CLASSES)
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(PASSWORD_LENGTH))
        if password[0].isalnum() and all(any(c in chars for c in password) for chars in _CLASSES):
            return password


INTENTS = {
    "user.set_fields": set_fields,
    "team.set_fields": set_fields,
    "team.add_members": add_members,
    "team.remove_members": remove_members,
    "scoped_role.set_fields": set_fields,
    "scoped_role.widen": widen_scope,
    "scoped_role.narrow": narrow_scope,
}
APPLY_TIME_INTENTS = {"user.initial_password": initial_password}
