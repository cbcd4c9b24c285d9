"""The Octopus REST client."""

from octoflow.client.http import OctopusClient

__all__ = ["OctopusClient"]
