"""Exit codes the command sets besides each error's own (``OctoflowError.exit_code``)."""

#: ``check`` and ``plan --detailed-exitcode``: the server differs from the recipe.
EXIT_DRIFT = 2
#: ``check`` and ``plan --detailed-exitcode``: the check could not be made (any error).
EXIT_CHECK_FAILED = 1
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
