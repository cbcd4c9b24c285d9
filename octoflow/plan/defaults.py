"""Numbers plan views default to, in a module of their own: the CLI states them in its
help without importing the plan model."""

#: Plans with more operations than this are shown compact by default.
COMPACT_ABOVE = 20
