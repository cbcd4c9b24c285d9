"""``octo.accounts``: select accounts, ensure one, rotate its secret, or replace it by
another account wherever deployment and runbook processes and variables use it.

Examples::

    octo.accounts.ensure("AWS Deployments", "AmazonWebServicesAccount",
                         fields={"AccessKey": "AKIA…"}, secrets={"SecretKey": "AWS_SECRET"})
    octo.accounts.where(name="Registry Login").rotate("REGISTRY_PASSWORD")
    octo.accounts.where(name="AWS Old").replace_with("AWS Deployments")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from octoflow_plugins.credentials.kinds import ACCOUNT
from octoflow_plugins.credentials.named import Credentials, EnsureCredential, Kind
from octoflow_plugins.credentials.replace import ReplaceWith, replace_edits

from octoflow.provider import Edit, PlanContext, UsageError

#: AccountType → its secret fields (``SensitiveValue``), the one ``rotate`` sets first.
#: The 2020.5 reference's types plus Google Cloud (2021.2).
SECRETS: dict[str, tuple[str, ...]] = {
    "UsernamePassword": ("Password",),
    "AzureServicePrincipal": ("Password",),
    "AzureOIDC": (),
    "AzureSubscription": ("CertificateBytes",),
    "AmazonWebServicesAccount": ("SecretKey",),
    "SshKeyPair": ("PrivateKeyFile", "PrivateKeyPassphrase"),
    "Token": ("Token",),
    "GoogleCloudAccount": ("JsonKey",),
}
ACCOUNTS = Kind("accounts", ACCOUNT, "account", "AccountType", SECRETS)


@attrs.frozen
class EnsureAccount(EnsureCredential):
    collection: ClassVar[str] = "accounts"
    kind: ClassVar[str] = ACCOUNT
    of: ClassVar[Kind] = ACCOUNTS


@attrs.frozen
class Accounts(Credentials):
    collection: ClassVar[str] = "accounts"
    of: ClassVar[Kind] = ACCOUNTS

    def ensure(
        self,
        name: str,
        type: str,
        fields: Mapping[str, Any] | None = None,
        secrets: Mapping[str, str] | None = None,
        rotate: bool = False,
    ) -> EnsureAccount:
        """An account of this type with these fields exists; ``secrets`` maps a secret field
        to the environment variable apply reads it from."""
        return EnsureAccount.checked(name, type, fields, secrets, rotate)

    def replace_with(self, account: str, projects: Any = None) -> Accounts:
        """Use ``account`` instead of the selected ones in every deployment and runbook
        process step and account variable (of ``projects`` only, an ``octo.projects``
        selection, when given; library variable sets then stay as they are)."""
        if not isinstance(account, str) or not account.strip():
            raise UsageError("accounts.replace_with() needs the name of the account to use")
        if projects is not None and getattr(projects, "collection", None) != "projects":
            raise UsageError("accounts.replace_with(projects=…) takes octo.projects.where(…)")
        if self.verbs:
            raise UsageError("accounts.replace_with() cannot follow other changes")
        return self._with_verb(ReplaceWith(account.strip(), projects))

    def rotate(self, from_env: str, field: str | None = None) -> Accounts:
        if any(isinstance(v, ReplaceWith) for v in self.verbs):
            raise UsageError("accounts.replace_with() cannot be followed by other changes")
        return super().rotate(from_env, field)  # type: ignore[return-value]

    def plan(self, ctx: PlanContext) -> list[Edit]:
        replacing = [v for v in self.verbs if isinstance(v, ReplaceWith)]
        if not replacing:
            return super().plan(ctx)
        chosen = self.select(ctx)
        ctx.selected("account", len(chosen), len(ctx.documents("accounts")), self.whole_is_wide)
        return replace_edits(ctx, chosen, replacing[0])
