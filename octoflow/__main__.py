"""``python -m octoflow`` runs the ``octoflow`` command."""

from octoflow.cli import main

raise SystemExit(main())
