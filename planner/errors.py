"""Domain errors of the planner layer.

`InputError` is what every reader of user input (files, forms, command-line values) raises: it names the
field and says what is wrong with its value, so the command line and the web service can show it as is.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad user input; `field` names where (a field path, a file, a CSV line), the message says what."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
