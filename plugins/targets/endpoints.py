"""``Endpoint``: how octoflow reaches a target, for ``octo.targets.ensure(...)``.

::

    from octoflow_plugins.targets.endpoints import Endpoint

    Endpoint.listening("https://web-01.example.com:10933/", thumbprint="8A7D…")
    Endpoint.polling("poll://abcdefghijklmnopqrst/", thumbprint="8A7D…")
    Endpoint.ssh("db-01.example.com", fingerprint="a1:b2:…", port=22)
    Endpoint.kubernetes("https://k8s.example.com", namespace="web", worker_pool="Hosted Ubuntu")
    Endpoint.cloud_region(worker_pool="Hosted Ubuntu")

Values are checked when the endpoint is made; a worker pool name is resolved
when the statement is planned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs
from octoflow_plugins.targets.models import STYLE_NAMES

from octoflow.provider import UsageError

_HEX = re.compile(r"^[0-9A-Fa-f]{40}$")
POD_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"
#: Fields a new target of a style gets when the endpoint leaves them out.
CREATE_DEFAULTS: dict[str, dict[str, Any]] = {
    "Ssh": {"DotNetCorePlatform": "linux-x64"},
    "Kubernetes": {
        "Authentication": {"AuthenticationType": "KubernetesPodService", "TokenPath": POD_TOKEN}
    },
}


@attrs.frozen
class Endpoint:
    """A communication style and its fields (wire names), plus a default worker pool."""

    style: str
    fields: tuple[tuple[str, Any], ...] = ()
    worker_pool: str | None = None

    @classmethod
    def listening(cls, uri: str, thumbprint: str, proxy_id: str | None = None) -> Endpoint:
        """A listening Tentacle (``TentaclePassive``) at ``https://host:10933/``."""
        _starts(uri, ("https://",), "Endpoint.listening(uri)")
        return cls._given(
            "TentaclePassive", Uri=uri, Thumbprint=_thumbprint(thumbprint), ProxyId=proxy_id
        )

    @classmethod
    def polling(cls, uri: str, thumbprint: str) -> Endpoint:
        """A polling Tentacle (``TentacleActive``); ``uri`` is its ``poll://…/`` address."""
        _starts(uri, ("poll://",), "Endpoint.polling(uri)")
        return cls("TentacleActive", (("Uri", uri), ("Thumbprint", _thumbprint(thumbprint))))

    @classmethod
    def ssh(
        cls,
        host: str,
        fingerprint: str,
        port: int = 22,
        account_id: str | None = None,
        platform: str | None = None,
    ) -> Endpoint:
        """An SSH target; ``account_id`` is the SSH key pair or username/password account,
        ``platform`` the Calamari platform (a new target gets ``linux-x64``)."""
        if not host or not fingerprint:
            raise UsageError("Endpoint.ssh() needs a host and the host's fingerprint")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise UsageError(f"Endpoint.ssh(port) must be a port number, not {port!r}")
        return cls._given(
            "Ssh",
            Host=host,
            Port=port,
            Fingerprint=fingerprint,
            AccountId=account_id,
            DotNetCorePlatform=platform,
        )

    @classmethod
    def kubernetes(
        cls,
        cluster_url: str,
        namespace: str | None = None,
        worker_pool: str | None = None,
        skip_tls_verification: bool = False,
        authentication: Mapping[str, Any] | None = None,
    ) -> Endpoint:
        """A Kubernetes cluster; a new target without ``authentication`` uses the pod's
        service account token."""
        _starts(cluster_url, ("https://", "http://"), "Endpoint.kubernetes(cluster_url)")
        auth = dict(authentication) if authentication is not None else None
        endpoint = cls._given(
            "Kubernetes",
            ClusterUrl=cluster_url,
            Namespace=namespace,
            SkipTlsVerification=str(bool(skip_tls_verification)),
            Authentication=auth,
        )
        return attrs.evolve(endpoint, worker_pool=worker_pool)

    @classmethod
    def cloud_region(cls, worker_pool: str | None = None) -> Endpoint:
        """A cloud region (``CommunicationStyle`` ``None``): steps run on a worker pool."""
        return cls("None", (), worker_pool)

    @classmethod
    def from_wire(cls, document: Mapping[str, Any]) -> Endpoint:
        """Any other endpoint, as the API spells it (``{"CommunicationStyle": …, …}``)."""
        style = document.get("CommunicationStyle")
        if not isinstance(style, str) or not style:
            raise UsageError("an endpoint document needs a CommunicationStyle")
        fields = tuple((k, v) for k, v in document.items() if k != "CommunicationStyle")
        return cls(style, fields)

    @classmethod
    def _given(cls, style: str, **fields: Any) -> Endpoint:
        return cls(style, tuple((k, v) for k, v in fields.items() if v is not None))

    def wire(self, worker_pool_id: str | None = None, new: bool = False) -> dict[str, Any]:
        """The endpoint's fields (all of a ``new`` target's, with defaults filled in), and
        the resolved default worker pool if it names one."""
        out: dict[str, Any] = {"CommunicationStyle": self.style}
        if new:
            out.update(CREATE_DEFAULTS.get(self.style, {}))
        out.update(dict(self.fields))
        if self.worker_pool is not None:
            out["DefaultWorkerPoolId"] = worker_pool_id
        return out

    def describe(self) -> str:
        """``listening https://web-01.example.com:10933/``: the kind, then the address."""
        fields = dict(self.fields)
        shown = fields.get("Uri") or fields.get("Host") or fields.get("ClusterUrl") or ""
        return f"{STYLE_NAMES.get(self.style, self.style)} {shown}".strip()


def _starts(value: str, prefixes: tuple[str, ...], where: str) -> None:
    if not isinstance(value, str) or not value.lower().startswith(prefixes):
        raise UsageError(f"{where} must start with {' or '.join(prefixes)}, not {value!r}")


def _thumbprint(value: str) -> str:
    if not isinstance(value, str) or not _HEX.match(value):
        raise UsageError(f"a Tentacle thumbprint is 40 hexadecimal characters, not {value!r}")
    return value.upper()
