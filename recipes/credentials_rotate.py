"""Send a new secret to accounts or feeds, read from an environment variable at apply.

Names the accounts (``account``) and/or feeds (``feed``) and the environment
variable holding the new secret (``password_env``). Apply reads it right before each
write; it never appears in the plan, the journal or the output. The secret set is the
type's main one (an account's Password, SecretKey, Token …, a feed's Password) unless
``field`` names another. Rotating is always a change: the server never shows a secret.
"""

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    Param("account", "Comma-separated account names", kind="list", default=[]),
    Param("feed", "Comma-separated feed names", kind="list", default=[]),
    Param("password_env", "Name of the environment variable holding the new secret"),
    Param("field", "The secret field to set, e.g. PrivateKeyPassphrase (default: the main one)",
          default=None),
)  # fmt: skip


def statements(octo, account, feed, password_env, field):
    if not account and not feed:
        raise UsageError("name what to rotate: -p account=… and/or -p feed=…")
    chosen = [(octo.accounts, account), (octo.feeds, feed)]
    return [c.where(name=names).rotate(password_env, field=field) for c, names in chosen if names]
