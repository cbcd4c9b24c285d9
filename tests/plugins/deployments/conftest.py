"""Fixtures of the deployments sandbox tests: a demo sandbox of the test's own."""

from __future__ import annotations

import pytest

from octoflow.sandbox import Sandbox
from tests.sandbox.conftest import Client, in_process


@pytest.fixture
def fresh(areas) -> Sandbox:
    return Sandbox(areas, seed="demo")


@pytest.fixture
def fresh_api(fresh) -> Client:
    return in_process(fresh)
