"""User-facing errors.

Everything a user can get wrong (a broken file, an unsupported op, a model
that does not fit, malformed assembly) raises an :class:`N64cError`. The
command-line tools print its message as one line and exit with a non-zero
status, without a traceback. Internal bugs raise ordinary exceptions.
"""

from __future__ import annotations


class N64cError(Exception):
    """A problem with the user's input, reported as one clear message."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInputError(N64cError):
    """A file that is missing, truncated or not of the expected kind."""


class UnsupportedModelError(N64cError):
    """A model that uses operators or features n64c does not support."""


class BudgetError(N64cError):
    """A model that does not fit a memory budget (DMEM, IMEM or RDRAM)."""


class AsmError(N64cError):
    """Malformed RSP assembly; the message names the line and column."""

    def __init__(self, message: str, line: int, column: int, source: str = "") -> None:
        where = f"{source}:" if source else ""
        super().__init__(f"{where}{line}:{column}: {message}")
        self.detail = message
        self.line = line
        self.column = column
        self.source = source

    def moved_down(self, lines: int) -> AsmError:
        """The same error for text that starts `lines` lines into its file
        (a chunk of `--split-input-file`)."""
        return AsmError(self.detail, self.line + lines, self.column, self.source)
