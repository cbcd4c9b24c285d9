"""octoflow's built-in providers, one sub-package per resource area.

Installed as ``octoflow_plugins`` and registered through the
``octoflow.providers`` entry-point group, exactly like third-party providers.
"""
