"""Calibration data: loading `.npy` / `.npz` files and checking them against a
model's inputs.

A calibration set is a batch of typical inputs. `.npy` holds one array (for a
model with a single input); `.npz` holds one array per ONNX input name. Every
array has a leading batch axis: for an input of shape `S` the array has shape
`(B, *S)`. For the common case of a model whose input starts with a batch
dimension of 1 (`S = (1, *T)`), an array of shape `(B, *T)` is accepted too
and read as `B` separate samples. A single sample of shape `S` is a batch of
one.
"""

from __future__ import annotations

import tokenize
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from n64c.errors import InvalidInputError

CalibrationData = dict[str, np.ndarray]


NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = b"PK"


def read_arrays(
    path: str | Path, what: str = "calibration"
) -> np.ndarray | CalibrationData:
    """The array of a `.npy` file or the arrays of a `.npz` archive by name
    (not checked against a model); `what` names the file's role in errors."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such {what} file")
    kind = path.suffix.lower() if path.suffix.lower() in (".npy", ".npz") else ""
    with open(path, "rb") as f:
        head = f.read(len(NPY_MAGIC))
    if not head.startswith((NPY_MAGIC, ZIP_MAGIC)):
        raise InvalidInputError(
            f"{path}: not a readable {kind or '.npy/.npz'} file (not in numpy's "
            ".npy or .npz format)"
        )
    try:
        with warnings.catch_warnings():
            # a damaged header can read as a Python 2 one: numpy warns on stderr
            warnings.simplefilter("ignore", UserWarning)
            loaded = np.load(path, allow_pickle=False)
            if isinstance(loaded, np.lib.npyio.NpzFile):
                with loaded:
                    return {name: np.asarray(loaded[name]) for name in loaded.files}
    except (
        ValueError,
        OSError,
        EOFError,
        zipfile.BadZipFile,
        NotImplementedError,  # zipfile: an unknown compression method
        RuntimeError,  # zipfile: an encrypted member
    ) as e:
        raise InvalidInputError(
            f"{path}: not a readable {kind or '.npy/.npz'} file ({e})"
        ) from None
    except (tokenize.TokenError, SyntaxError) as e:  # numpy's header parser
        raise InvalidInputError(
            f"{path}: not a readable {kind or '.npy/.npz'} file (damaged header: "
            f"{e.args[0] if e.args else type(e).__name__})"
        ) from None
    except MemoryError:
        raise InvalidInputError(
            f"{path}: not a readable {kind or '.npy/.npz'} file (its header "
            "declares an array too large to load; is the header damaged?)"
        ) from None
    if not isinstance(loaded, np.ndarray):
        raise InvalidInputError(f"{path}: not a numpy array file")
    return loaded


def load_calibration_file(path: str | Path) -> np.ndarray | CalibrationData:
    """Read a `.npy` array or a `.npz` archive of arrays (not yet checked
    against a model; see :func:`match_calibration`)."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() not in (".npy", ".npz"):
        raise InvalidInputError(f"{path}: calibration data must be a .npy or .npz file")
    return read_arrays(path, "calibration")


def match_calibration(
    data: np.ndarray | Mapping[str, np.ndarray],
    input_names: Sequence[str],
    input_shapes: Sequence[Sequence[int]],
    source: str = "calibration data",
) -> CalibrationData:
    """Check calibration arrays against the model inputs and return them as
    float32 arrays of shape `(B, *input_shape)`, keyed by input name.

    Raises :class:`InvalidInputError` with a message naming the input and the
    expected shape when a name is missing or unknown or a shape does not fit.
    """
    if not isinstance(data, Mapping):
        data = np.asarray(data)
    if isinstance(data, np.ndarray):
        if len(input_names) != 1:
            raise InvalidInputError(
                f"{source}: a single .npy array only fits a model with one input; "
                f"this model has inputs {list(input_names)} (use an .npz keyed by "
                "input name)"
            )
        data = {input_names[0]: data}
    unknown = sorted(set(data) - set(input_names))
    missing = [name for name in input_names if name not in data]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if unknown:
            parts.append(f"unknown {unknown}")
        raise InvalidInputError(
            f"{source}: arrays must be keyed by the model's input names "
            f"{list(input_names)}: " + ", ".join(parts)
        )
    batches: set[int] = set()
    result: CalibrationData = {}
    for name, shape in zip(input_names, input_shapes, strict=True):
        array = _as_batch(np.asarray(data[name]), tuple(shape), name, source)
        batches.add(array.shape[0])
        result[name] = array
    if len(batches) > 1:
        raise InvalidInputError(
            f"{source}: inputs have different batch sizes {sorted(batches)}"
        )
    return result


def _as_batch(
    array: np.ndarray, shape: tuple[int, ...], name: str, source: str
) -> np.ndarray:
    if array.dtype.kind not in "fiub":
        raise InvalidInputError(
            f"{source}: input '{name}' has dtype {array.dtype}, expected numbers"
        )
    array = array.astype(np.float32)
    if array.shape == shape:
        batch = array[None]
    elif array.shape[1:] == shape and array.shape[0] > 0:
        batch = array
    elif shape[:1] == (1,) and array.shape[1:] == shape[1:] and array.shape[0] > 0:
        batch = array.reshape((array.shape[0], *shape))
    else:
        expected = " x ".join(str(d) for d in shape) or "scalar"
        raise InvalidInputError(
            f"{source}: input '{name}' has shape {tuple(array.shape)}, expected "
            f"(batch, {expected.replace(' x ', ', ')})"
            + (
                f" or (batch, {', '.join(map(str, shape[1:]))})"
                if shape[:1] == (1,)
                else ""
            )
        )
    if not np.all(np.isfinite(batch)):
        raise InvalidInputError(f"{source}: input '{name}' contains NaN or infinity")
    return batch


def load_calibration(
    path: str | Path, input_names: Sequence[str], input_shapes: Sequence[Sequence[int]]
) -> CalibrationData:
    """Load a calibration file and check it against the model inputs."""
    return match_calibration(
        load_calibration_file(path), input_names, input_shapes, source=str(path)
    )
