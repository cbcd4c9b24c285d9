"""Replace certificates' data with a new file, keeping their ids (what variables use).

Names the certificates (``name``) and the new data: a PFX, DER or PEM file (``file``)
or an environment variable holding it as base64 or PEM text (``data_env``), plus the
environment variable holding a PFX's password (``password_env``). The data and the
password are read at apply and appear in no plan, journal or output. A certificate
whose thumbprint is already the file's is left alone (known for DER and PEM files; a
PFX is replaced every time).
"""

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    Param("name", "Comma-separated certificate names", kind="list"),
    Param("file", "Path of the new certificate file (PFX, DER or PEM)", default=None),
    Param("data_env", "Or: environment variable holding it (base64 or PEM text)", default=None),
    Param("password_env", "Environment variable holding the file's password", default=None),
)


def statements(octo, name, file, data_env, password_env):
    if (file is None) == (data_env is None):
        raise UsageError("give the new certificate as -p file=PATH or -p data_env=NAME (one)")
    chosen = octo.certificates.where(name=name)
    return chosen.rotate(data_from_file=file, data_from_env=data_env,
                         password_from_env=password_env)  # fmt: skip
