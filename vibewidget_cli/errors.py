"""The one exception type for user mistakes, printed by the CLI as a single line."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in what the user asked for: shown as one line, exit code 2, nothing written."""

    exit_code = 2
