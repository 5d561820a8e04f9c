"""The shape of `report.json`, checked before a damaged report is used.

A compiled directory's report is a file the user can edit or damage.
`check_report(report, schema, source)` raises an `InvalidInputError` that
names the first field that is missing or of the wrong type (for example
`out/report.json is damaged or incomplete: layers[1].macs: expected an
integer, found a string`),
so `n64c report` and `n64c run OUTDIR` fail with that line instead of a
`TypeError` deep inside.

A schema is a type (`int`, `float`, `str`), `None` for null, a tuple of
alternatives, a one-element list (a list of that schema) or a dict of
field schemas; a field name ending in `?` is optional.
"""

from __future__ import annotations

from typing import Any

from n64c.errors import InvalidInputError

Schema = Any

NUMBER = (int, float)

REPORT_SCHEMA: Schema = {
    "model": str,
    "memory": {
        "budget": str,
        "rdram": {
            "weights_bytes": int,
            "activations_bytes": int,
            "arena_bytes": int,
            "scratch_bytes": int,
            "cpu_constants_bytes?": int,
            "total_bytes": int,
        },
        "dmem": {"peak_bytes": int, "capacity_bytes": int},
        "imem": {"peak_bytes": int, "capacity_bytes": int},
    },
    "layers": [
        {
            "layer": str,
            "ucode": str,
            "macs": int,
            "cycles": int,
            "macs_per_cycle?": (*NUMBER, None),
            "dmem_bytes?": int,
        }
    ],
    "rsp": {
        "runs": int,
        "macs": int,
        "cycles": int,
        "macs_per_cycle": (*NUMBER, None),
        "time_us": NUMBER,
        "peak_macs_per_cycle": NUMBER,
    },
    "cpu_ops?": [str],
    "weights?": {
        "placement": str,
        "blob_bytes": int,
        "rdram_bytes": int,
        "rdram_saved_bytes": int,
        "staging_bytes": int,
        "staging_slots_bytes": [int],
        "pi_dma_cycles": int,
        "pi_dma_us": NUMBER,
        "exposed_stall_cycles": int,
        "hidden": bool,
        "inference_cycles": int,
        "segments": [
            {
                "layer": str,
                "ucode": str,
                "bytes": int,
                "pi_cycles": int,
                "rsp_cycles": int,
                "next_pi_cycles": int,
                "next_hidden": bool,
                "stall_cycles": int,
            }
        ],
    },
    "files?": [str],
}
"""What `n64c report` prints from."""

LOAD_SCHEMA: Schema = {
    "model?": str,
    "memory?": {"budget?": str},
    "layers?": [{"layer": str, "dmem_bytes?": int}],
    "files?": [str],
}
"""What `CompiledModel.load` (`n64c run OUTDIR`) reads."""

_NAMES = {
    int: "an integer",
    float: "a number",
    str: "a string",
    bool: "true or false",
    list: "a list",
    dict: "an object",
    type(None): "null",
}


def _name_of(value: Any) -> str:
    return _NAMES.get(type(value), type(value).__name__)


def _expected(schema: Schema) -> str:
    if isinstance(schema, tuple):
        return " or ".join(dict.fromkeys(_expected(s) for s in schema))
    if isinstance(schema, list):
        return "a list"
    if isinstance(schema, dict):
        return "an object"
    if schema is None:
        return "null"
    return _NAMES[schema]


def _matches(value: Any, schema: Schema) -> bool:
    if isinstance(schema, tuple):
        return any(_matches(value, s) for s in schema)
    if schema is None:
        return value is None
    if isinstance(schema, list):
        return isinstance(value, list)
    if isinstance(schema, dict):
        return isinstance(value, dict)
    if isinstance(value, bool):
        return schema is bool
    if schema is float:
        return isinstance(value, int | float)
    return isinstance(value, schema)


def problem(value: Any, schema: Schema, path: str = "") -> str | None:
    """The first mismatch of `value` against `schema`, as `path: what`."""
    where = path or "the report"
    if not _matches(value, schema):
        return f"{where}: expected {_expected(schema)}, found {_name_of(value)}"
    if isinstance(schema, list):
        for i, item in enumerate(value):
            found = problem(item, schema[0], f"{path}[{i}]")
            if found:
                return found
    elif isinstance(schema, dict):
        for key, child in schema.items():
            name = key.rstrip("?")
            sub = f"{path}.{name}" if path else name
            if name not in value:
                if key.endswith("?"):
                    continue
                return f"{sub}: missing"
            found = problem(value[name], child, sub)
            if found:
                return found
    return None


def check_report(report: Any, schema: Schema, source: str) -> None:
    """Raise `InvalidInputError` naming the first field of `report` (read
    from the file `source`) that does not fit `schema`."""
    found = problem(report, schema)
    if found:
        raise InvalidInputError(f"{source} is damaged or incomplete: {found}")
