"""mkdocs-macros entry point: page macros over the rule data (filled in by the tools work)."""


def define_env(env):  # noqa: D401 - mkdocs-macros hook
    """Register macros and variables for the pages."""
