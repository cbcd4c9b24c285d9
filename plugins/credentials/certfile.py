"""Certificate files: read one (from a file or an environment variable), check that it
is one, and work out the thumbprint Octopus will show for it.

A certificate is sent as ``CertificateData``: the file's bytes in base64. Three
formats: PEM (text, ``-----BEGIN CERTIFICATE-----``), DER (one X.509 certificate) and
PKCS#12/PFX (a password-protected bundle). Octopus's ``Thumbprint`` is the SHA-1 of
the certificate's DER encoding: for a DER file the SHA-1 of the file, for a PEM file
that of its first certificate block. A PFX's certificate can be read only with its
password and a PKCS#12 parser, so its thumbprint is unknown until the server reads it
(``None``).

The data is a secret: nothing here keeps it, and every value read is registered for
masking.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re

import attrs

from octoflow.provider import UsageError, register_secret

_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)
_SEQUENCE, _INTEGER = 0x30, 0x02


@attrs.frozen
class CertFile:
    """A certificate file as read: its format and thumbprint (the data is not kept)."""

    format: str  # "Pem" | "Der" | "Pkcs12"
    thumbprint: str | None


def source(path: str | None, env: str | None) -> str:
    """``file X`` or ``$Y``: where the data comes from, as plans show it."""
    return f"file {path}" if path else f"${env}"


def read(path: str | None, env: str | None) -> bytes:
    """The certificate file's bytes, from ``path`` or from ``$env`` (the file as base64,
    or PEM text); a UsageError saying what to do when it cannot be read."""
    if path:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise UsageError(
                f"cannot read the certificate file {path}: {exc.strerror or exc}; "
                "give the path of a readable PFX, DER or PEM file"
            ) from None
    else:
        text = os.environ.get(str(env), "").strip()
        if not text:
            raise UsageError(
                f"${env} is not set: it holds the certificate (PEM text, or the file as "
                "base64); set it where octoflow runs (it is never shown or saved)"
            )
        register_secret(text)
        data = text.encode() if text.startswith("-----BEGIN") else _unbase64(text, env)
    register_secret(base64.b64encode(data).decode())
    return data


def inspect(data: bytes, where: str) -> CertFile:
    """The format and thumbprint of a certificate file, or a UsageError when the data is
    not one (checked by its structure only: a PEM certificate block, or a DER sequence
    that is an X.509 certificate or a PKCS#12 bundle)."""
    if data.lstrip().startswith(b"-----BEGIN"):
        match = _PEM_CERT.search(data)
        der = _unbase64_or_none(match.group(1)) if match else None
        if der is None or _der_kind(der) != "Der":
            raise _not_a_certificate(where, "a PEM file without a CERTIFICATE block")
        return CertFile("Pem", _sha1(der))
    kind = _der_kind(data)
    if kind is None:
        raise _not_a_certificate(where, "neither PEM text nor a DER/PKCS#12 structure")
    return CertFile(kind, _sha1(data) if kind == "Der" else None)


def _der_kind(data: bytes) -> str | None:
    """``Der`` for an X.509 certificate (a SEQUENCE whose first element is a SEQUENCE),
    ``Pkcs12`` for a PFX (a SEQUENCE whose first element is the INTEGER version), else
    ``None``. The outer length must cover the data exactly."""
    if len(data) < 4 or data[0] != _SEQUENCE:
        return None
    header = _length(data, 1)
    if header is None or header[0] + header[1] != len(data):
        return None
    first = data[header[0]] if header[0] < len(data) else None
    return {_SEQUENCE: "Der", _INTEGER: "Pkcs12"}.get(first)  # type: ignore[arg-type]


def _length(data: bytes, at: int) -> tuple[int, int] | None:
    """(offset of the content, its length) of the DER length starting at ``at``."""
    first = data[at]
    if first < 0x80:
        return at + 1, first
    count = first & 0x7F
    if count == 0 or count > 4 or at + 1 + count > len(data):
        return None
    return at + 1 + count, int.from_bytes(data[at + 1 : at + 1 + count], "big")


def _sha1(der: bytes) -> str:
    return hashlib.sha1(der).hexdigest().upper()  # noqa: S324 - what a thumbprint is


def _unbase64(text: str, env: str | None) -> bytes:
    decoded = _unbase64_or_none(text.encode())
    if decoded is None:
        raise UsageError(
            f"${env} is neither PEM text nor base64: put the certificate file in it as "
            "base64 (base64 -w0 FILE) or as PEM text"
        )
    return decoded


def _unbase64_or_none(text: bytes) -> bytes | None:
    try:
        return base64.b64decode(b"".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _not_a_certificate(where: str, why: str) -> UsageError:
    return UsageError(
        f"{where} is not a certificate ({why}): give a PFX/PKCS#12, DER or PEM certificate file"
    )
