"""Registering the plugin loads none of the fake server: its sandbox modules (and
octoflow's) are imported only when a sandbox is built."""

from __future__ import annotations

import json
import subprocess
import sys

REGISTER = """
import json, sys
from octoflow.provider import Registry
import octoflow_freezes
registry = Registry()
octoflow_freezes.octoflow_register(registry)
fake = ("octoflow.sandbox", "octoflow_freezes.sandbox.")
print(json.dumps({
    "areas": registry.names("sandbox area"),
    "recipes": registry.names("recipe"),
    "loaded": sorted(m for m in sys.modules if m.startswith(fake)),
}))
"""


def test_registering_imports_no_sandbox_module():
    done = subprocess.run([sys.executable, "-c", REGISTER], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["areas"] == ["freezes"]
    assert seen["recipes"] == ["freeze-end", "freeze-ensure"]
    assert seen["loaded"] == []


def test_a_sandbox_built_for_the_tests_has_the_area(octo_sandbox):
    assert "freezes" in [area.name for area in octo_sandbox.areas]
