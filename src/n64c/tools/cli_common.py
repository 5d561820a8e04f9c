"""Shared helpers of the command-line tools: error reporting and file output."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer

from n64c.errors import N64cError

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `error: message` on stderr and return the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn N64cError (and a few OS errors) into one line and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except N64cError as e:
            raise fail(e.message, e.exit_code) from None
        except FileNotFoundError as e:
            raise fail(f"{e.filename}: no such file") from None
        except IsADirectoryError as e:
            raise fail(f"{e.filename}: is a directory") from None
        except PermissionError as e:
            raise fail(f"{e.filename}: permission denied") from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None

    return wrapper


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write `path` through a temporary file, so a failure never leaves a
    half-written file in place of the user's old one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, mode) as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
