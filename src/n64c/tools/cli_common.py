"""Shared helpers of the command-line tools: error reporting and file output."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import typer

from n64c.errors import AsmError, InvalidInputError, N64cError

if TYPE_CHECKING:
    from n64c.backend.rsp_encode import RspImage

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


def new_file_mode(base: int = 0o666) -> int:
    """The permissions `open` (`base` 0o666) or `mkdir` (0o777) give a new
    file or directory under the umask; `tempfile`'s are private instead."""
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask


def check_output_file(path: Path, *inputs: Path) -> None:
    """Refuse an output file name that is a directory, lies below a file or
    names one of the command's `inputs` (writing would destroy it)."""
    path = Path(path)
    if path.is_dir():
        raise InvalidInputError(f"{path}: is a directory; give a file name")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InvalidInputError(f"{path}: {parent} is not a directory")
            break
    for source in inputs:
        if path.exists() and Path(source).exists() and path.samefile(source):
            raise InvalidInputError(
                f"{path}: is also the input {source}; writing it would destroy "
                "the input, choose another output name"
            )


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write `path` through a temporary file, so a failure never leaves a
    half-written file in place of the user's old one. A new file gets the
    usual permissions (umask), a replaced one keeps its own."""
    path = Path(path)
    check_output_file(path)
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as e:
        raise N64cError(f"{path}: cannot write it ({e.strerror})") from None
    try:
        os.fchmod(
            fd, path.stat().st_mode & 0o7777 if path.is_file() else new_file_mode()
        )
        with os.fdopen(fd, mode) as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise N64cError(f"{path}: cannot write it ({e.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def assemble_file(program: Path) -> RspImage:
    """The IMEM and DMEM images of the RSP assembly file `program`."""
    from n64c.backend.rsp_asm import parse_asm
    from n64c.backend.rsp_encode import encode_program

    try:
        text = program.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidInputError(
            f"{program}: not UTF-8 text (byte {e.start}); is it a binary image?"
        ) from None
    module = parse_asm(text, str(program))
    try:
        image = encode_program(module)
    except AsmError:
        raise  # names the file and line already
    except N64cError as e:  # a whole-program limit, such as the IMEM size
        raise type(e)(f"{program}: {e.message}") from None
    if not image.imem:
        raise InvalidInputError(
            f"{program}: no instructions; an RSP program is code ending in `break`"
        )
    return image


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
