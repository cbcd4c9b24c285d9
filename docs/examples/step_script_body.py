# The whole script body of a Python "Run a Script" step that runs a recipe.
# Octopus defines `octopusvariables`; the step's variables say what to run.
import sys

from octoflow.step import run

sys.exit(run(octopusvariables))  # noqa: F821
