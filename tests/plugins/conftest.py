"""Each provider's sandbox tests use the sandbox suite's fixtures: a shared demo
sandbox (``demo``, ``api``) for reads, and one of the test's own (``fresh``,
``fresh_api``, ``served``) for writes."""

from tests.sandbox.conftest import api, demo, fresh, fresh_api, served

__all__ = ["api", "demo", "fresh", "fresh_api", "served"]
