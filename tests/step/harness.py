"""Running a script body the way Octopus runs a Python script step.

Calamari prepends a bootstrap that defines ``octopusvariables`` and helper
functions (``set_octopusvariable``, ``createartifact``, ``updateprogress``,
``printverbose`` …, which print service messages), then runs the step's script
body. This harness does the same in a subprocess, then decodes what the step
printed.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs

BOOTSTRAP = """import base64, os, sys

octopusvariables = {variables}


def _encode(value):
    return base64.b64encode(value.encode("utf-8")).decode("utf-8")


def get_octopusvariable(key):
    return octopusvariables[key]


def set_octopusvariable(name, value, sensitive=False):
    octopusvariables[name] = value
    print("##octopus[setVariable name='{{0}}' value='{{1}}']".format(_encode(name), _encode(value)))


def createartifact(path, fileName=None):
    name = fileName or os.path.basename(path)
    length = str(os.stat(path).st_size) if os.path.isfile(path) else "0"
    print("##octopus[createArtifact path='{{0}}' name='{{1}}' length='{{2}}']".format(
        _encode(os.path.abspath(path)), _encode(name), _encode(length)))


def updateprogress(progress, message=""):
    print("##octopus[progress percentage='{{0}}' message='{{1}}']".format(
        _encode(str(progress)), _encode(message)))


def printverbose(message):
    print("##octopus[stdout-verbose]")
    print(message)
    print("##octopus[stdout-default]")


def printhighlight(message):
    print("##octopus[stdout-highlight]")
    print(message)
    print("##octopus[stdout-default]")


printverbose(sys.version)

"""

_MESSAGE = re.compile(r"^##octopus\[(?P<name>[\w-]+)(?P<attrs>(?: \w+='[^']*')*)\]$")
_ATTR = re.compile(r"(\w+)='([^']*)'")


@attrs.frozen
class Message:
    name: str
    attrs: dict[str, str]


@attrs.frozen
class StepRun:
    code: int
    stdout: str
    stderr: str
    messages: tuple[Message, ...]

    def all(self, name: str) -> list[dict[str, str]]:
        return [m.attrs for m in self.messages if m.name == name]

    @property
    def output_variables(self) -> dict[str, str]:
        return {a["name"]: a["value"] for a in self.all("setVariable")}

    @property
    def artifacts(self) -> list[dict[str, str]]:
        return self.all("createArtifact")

    def blocks(self, kind: str) -> list[str]:
        """Text printed between ``stdout-<kind>`` and ``stdout-default``."""
        found, current = [], None
        for line in self.stdout.splitlines():
            if line == f"##octopus[stdout-{kind}]":
                current = []
            elif line == "##octopus[stdout-default]" and current is not None:
                found.append("\n".join(current))
                current = None
            elif current is not None:
                current.append(line)
        return found


def run_step(script_body: str, variables: dict[str, str], workdir: Path) -> StepRun:
    """Run ``script_body`` as a Python script step with ``variables``, in ``workdir``."""
    script = workdir / "Script.py"
    script.write_text(BOOTSTRAP.format(variables=json.dumps(variables)) + script_body)
    done = subprocess.run(
        [sys.executable, str(script)], cwd=workdir, capture_output=True, text=True, timeout=300
    )
    return StepRun(done.returncode, done.stdout, done.stderr, tuple(_messages(done.stdout)))


def _messages(stdout: str) -> list[Message]:
    messages = []
    for line in stdout.splitlines():
        match = _MESSAGE.match(line)
        if match:
            decoded = {k: _decode(v) for k, v in _ATTR.findall(match["attrs"])}
            messages.append(Message(match["name"], decoded))
    return messages


def _decode(value: str) -> str:
    return base64.b64decode(value).decode("utf-8")


def decoded_json(value: str) -> Any:
    return json.loads(value)
