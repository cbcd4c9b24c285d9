"""Golden HTTP traffic of the shipped recipes, recorded with vcrpy."""
