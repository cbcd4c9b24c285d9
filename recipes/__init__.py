"""Recipes shipped with octoflow, installed as ``octoflow_recipes``.

Each module is a recipe file; providers register them by name.
"""
