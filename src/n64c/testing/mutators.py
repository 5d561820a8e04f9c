"""Seeded mutators for the input fuzzer: bytes, text, `.npy` headers, JSON.

Every mutator takes a `random.Random` and returns the mutated value and a
short description of what it did, so a failing case can be read and
reproduced. The same generator state gives the same mutation.
"""

from __future__ import annotations

import json
import random
import re
import struct
from collections.abc import Callable
from typing import Any

Mutation = tuple[bytes, str]
TextMutation = tuple[str, str]

INTERESTING_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFF, 0x20, 0x0A, 0x22, 0x2C)
INTERESTING_NUMBERS = (
    "0",
    "-1",
    "1",
    "3",
    "7",
    "8",
    "65535",
    "65536",
    "-32768",
    "32767",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967296",
    "99999999999999999999",
    "1e30",
    "-1e-30",
    "0.5",
    "nan",
    "inf",
    "-0",
    "0x7fff",
)
PUNCTUATION = (
    ",",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "<",
    ">",
    ":",
    '"',
    "%",
    "@",
    "=",
    "#",
    "^",
    "!",
    "x",
    "\\",
    "\n",
    "->",
    ".",
    "'",
    ";",
    "$",
)
TOKEN_RE = re.compile(
    r"\s+|[A-Za-z_$%@^#.][\w$.\-]*|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\"[^\"\n]*\"|."
)


def _span(rng: random.Random, size: int, longest: int = 16) -> tuple[int, int]:
    start = rng.randrange(size)
    return start, min(size, start + rng.randint(1, longest))


# --- bytes --------------------------------------------------------------------


def flip_bit(rng: random.Random, data: bytes) -> Mutation:
    if not data:
        return b"\x00", "insert byte 0 into empty data"
    i = rng.randrange(len(data))
    bit = rng.randrange(8)
    out = bytearray(data)
    out[i] ^= 1 << bit
    return bytes(out), f"flip bit {bit} of byte {i}"


def set_byte(rng: random.Random, data: bytes) -> Mutation:
    if not data:
        return b"\xff", "insert byte 0xff into empty data"
    i = rng.randrange(len(data))
    value = rng.choice(INTERESTING_BYTES + (rng.randrange(256),))
    out = bytearray(data)
    out[i] = value
    return bytes(out), f"set byte {i} to {value:#04x}"


def truncate(rng: random.Random, data: bytes) -> Mutation:
    n = rng.randrange(len(data)) if data else 0
    return data[:n], f"truncate to {n} bytes"


def delete_bytes(rng: random.Random, data: bytes) -> Mutation:
    if not data:
        return data, "nothing to delete"
    a, b = _span(rng, len(data))
    return data[:a] + data[b:], f"delete bytes {a}..{b}"


def insert_bytes(rng: random.Random, data: bytes) -> Mutation:
    i = rng.randint(0, len(data))
    junk = bytes(rng.choice(INTERESTING_BYTES) for _ in range(rng.randint(1, 8)))
    return data[:i] + junk + data[i:], f"insert {junk.hex()} at byte {i}"


def duplicate_bytes(rng: random.Random, data: bytes) -> Mutation:
    if not data:
        return data, "nothing to duplicate"
    a, b = _span(rng, len(data), 64)
    return data[:b] + data[a:b] + data[b:], f"duplicate bytes {a}..{b}"


def set_word(rng: random.Random, data: bytes) -> Mutation:
    """Overwrite an aligned 32-bit word (an instruction, a length field)."""
    if len(data) < 4:
        return flip_bit(rng, data)
    i = rng.randrange(len(data) // 4) * 4
    value = rng.choice(
        (0, 0xFFFFFFFF, 0x7FFFFFFF, 0x0000000D, 0x4A000000, rng.getrandbits(32))
    )
    return data[:i] + struct.pack(">I", value) + data[i + 4 :], (
        f"set word at byte {i} to {value:#010x}"
    )


BYTE_MUTATORS: tuple[Callable[[random.Random, bytes], Mutation], ...] = (
    flip_bit,
    set_byte,
    truncate,
    delete_bytes,
    insert_bytes,
    duplicate_bytes,
    set_word,
)


def mutate_bytes(rng: random.Random, data: bytes, rounds: int = 0) -> Mutation:
    """One to three random byte-level mutations (or exactly `rounds`)."""
    steps: list[str] = []
    for _ in range(rounds or rng.choice((1, 1, 1, 2, 3))):
        data, what = rng.choice(BYTE_MUTATORS)(rng, data)
        steps.append(what)
    return data, "; ".join(steps)


# --- text ---------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """`text` cut into whitespace, words, numbers, strings and single characters."""
    return TOKEN_RE.findall(text)


def _word_indices(parts: list[str]) -> list[int]:
    return [i for i, t in enumerate(parts) if not t.isspace()]


def delete_token(rng: random.Random, text: str) -> TextMutation:
    parts = tokens(text)
    words = _word_indices(parts)
    if not words:
        return text, "no token to delete"
    i = rng.choice(words)
    removed = parts.pop(i)
    return "".join(parts), f"delete token {removed!r} (token {i})"


def duplicate_token(rng: random.Random, text: str) -> TextMutation:
    parts = tokens(text)
    words = _word_indices(parts)
    if not words:
        return text, "no token to duplicate"
    i = rng.choice(words)
    parts.insert(i, parts[i])
    return "".join(parts), f"duplicate token {parts[i]!r} (token {i})"


def stray_punctuation(rng: random.Random, text: str) -> TextMutation:
    parts = tokens(text)
    i = rng.randint(0, len(parts))
    mark = rng.choice(PUNCTUATION)
    parts.insert(i, mark)
    return "".join(parts), f"insert {mark!r} before token {i}"


def replace_number(rng: random.Random, text: str) -> TextMutation:
    parts = tokens(text)
    numbers = [i for i, t in enumerate(parts) if re.fullmatch(r"-?\d[\w.]*", t)]
    if not numbers:
        return stray_punctuation(rng, text)
    i = rng.choice(numbers)
    old, parts[i] = parts[i], rng.choice(INTERESTING_NUMBERS)
    return "".join(parts), f"replace number {old!r} by {parts[i]!r} (token {i})"


def swap_tokens(rng: random.Random, text: str) -> TextMutation:
    """Swap two tokens of the same kind (two numbers, two names, two marks)."""
    parts = tokens(text)
    words = _word_indices(parts)
    if len(words) < 2:
        return text, "too few tokens to swap"
    i = rng.choice(words)
    kind = _token_kind(parts[i])
    same = [j for j in words if j != i and _token_kind(parts[j]) == kind]
    if not same:
        return text, "no token of the same kind to swap"
    j = rng.choice(same)
    parts[i], parts[j] = parts[j], parts[i]
    return "".join(parts), f"swap tokens {i} and {j} ({parts[j]!r}, {parts[i]!r})"


def copy_token(rng: random.Random, text: str) -> TextMutation:
    """Overwrite a token with another token of the text (a wrong name or value)."""
    parts = tokens(text)
    words = _word_indices(parts)
    if len(words) < 2:
        return text, "too few tokens to copy"
    i, j = rng.sample(words, 2)
    old, parts[i] = parts[i], parts[j]
    return "".join(parts), f"replace token {i} {old!r} by {parts[j]!r}"


def _token_kind(token: str) -> str:
    if re.fullmatch(r"-?\d[\w.+-]*", token):
        return "number"
    if token[:1] == '"':
        return "string"
    if re.fullmatch(r"[A-Za-z_$%@^#.][\w$.\-]*", token):
        return "name:" + token[:1] if token[:1] in "%@^#$" else "name"
    return "mark"


def delete_line(rng: random.Random, text: str) -> TextMutation:
    lines = text.splitlines(keepends=True)
    if not lines:
        return text, "no line to delete"
    i = rng.randrange(len(lines))
    del lines[i]
    return "".join(lines), f"delete line {i + 1}"


def duplicate_line(rng: random.Random, text: str) -> TextMutation:
    lines = text.splitlines(keepends=True)
    if not lines:
        return text + "\n", "append a newline"
    i = rng.randrange(len(lines))
    j = rng.randint(0, len(lines))
    lines.insert(j, lines[i])
    return "".join(lines), f"copy line {i + 1} before line {j + 1}"


def swap_lines(rng: random.Random, text: str) -> TextMutation:
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return text, "too few lines to swap"
    i, j = rng.sample(range(len(lines)), 2)
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines), f"swap lines {i + 1} and {j + 1}"


def truncate_text(rng: random.Random, text: str) -> TextMutation:
    n = rng.randrange(len(text)) if text else 0
    return text[:n], f"truncate to {n} characters"


def text_bytes(rng: random.Random, text: str) -> TextMutation:
    """A byte-level mutation of the UTF-8 text (may leave invalid UTF-8,
    which the caller keeps as bytes: see `mutate_text_file`)."""
    data, what = mutate_bytes(rng, text.encode("utf-8", errors="surrogateescape"), 1)
    return data.decode("utf-8", errors="surrogateescape"), what


TEXT_MUTATORS: tuple[Callable[[random.Random, str], TextMutation], ...] = (
    delete_token,
    duplicate_token,
    stray_punctuation,
    stray_punctuation,
    replace_number,
    replace_number,
    swap_tokens,
    copy_token,
    delete_line,
    duplicate_line,
    swap_lines,
    truncate_text,
    text_bytes,
)


def mutate_text(rng: random.Random, text: str, rounds: int = 0) -> TextMutation:
    """One to three text mutations (tokens, lines, punctuation, numbers)."""
    steps: list[str] = []
    for _ in range(rounds or rng.choice((1, 1, 1, 2, 3))):
        text, what = rng.choice(TEXT_MUTATORS)(rng, text)
        steps.append(what)
    return text, "; ".join(steps)


def mutate_text_file(rng: random.Random, data: bytes, rounds: int = 0) -> Mutation:
    """`mutate_text` on the bytes of a text file (invalid UTF-8 survives)."""
    text, what = mutate_text(
        rng, data.decode("utf-8", errors="surrogateescape"), rounds
    )
    return text.encode("utf-8", errors="surrogateescape"), what


# --- .npy headers ---------------------------------------------------------------

NPY_HEADER_EDITS = (
    ("'descr': '<f4'", "'descr': '<f8'"),
    ("'descr': '<f4'", "'descr': '|O'"),
    ("'descr': '<f4'", "'descr': '<c8'"),
    ("'descr': '<f4'", "'descr': '|S4'"),
    ("'descr': '<f4'", "'descr': '<U1'"),
    ("'descr': '<f4'", "'descr': '>i2'"),
    ("'descr': '<f4'", "'descr': [('a', '<f4')]"),
    ("'descr': '<f4'", "'descr': 'zz'"),
    ("'descr': '<f4'", "'descr': '<f4"),
    ("'fortran_order': False", "'fortran_order': True"),
    ("'fortran_order': False", "'fortran_order': 0"),
    ("'fortran_order': False", "'fortran_order': None"),
    ("'shape': (", "'shape': ((("),
    ("'shape': (", "'shape': ("),
    ("'shape': (", "'shape': [("),
    ("'shape': (", "'shape': (-1, "),
    ("'shape': (", "'shape': (0, "),
    ("'shape': (", "'shape': (4294967296, "),
    ("'shape': (", "'shape': '"),
    ("), }", "}"),
    ("), }", ")) }"),
    ("{", "{'x': 1, "),
    ("{", "["),
    ("}", ""),
    ("'", '"'),
    ("'", ""),
    (":", ""),
    (",", ""),
    (",", ",,"),
)


def mutate_npy(rng: random.Random, data: bytes) -> Mutation:
    """Edit the header dictionary of a `.npy` file (dtype, order, shape,
    brackets, quotes) or its length field, keeping or breaking the layout."""
    if not data.startswith(b"\x93NUMPY") or len(data) < 10:
        return mutate_bytes(rng, data)
    major = data[6]
    size_len = 2 if major == 1 else 4
    start = 8 + size_len
    (length,) = struct.unpack("<H" if size_len == 2 else "<I", data[8 : 8 + size_len])
    header = data[start : start + length].decode("latin1")
    body = data[start + length :]
    choice = rng.random()
    if choice < 0.15:
        new_length = rng.choice((0, 1, length - 1, length + 1, 0xFFFF, length * 2))
        new_length = max(0, min(new_length, 0xFFFF if size_len == 2 else 2**32 - 1))
        packed = struct.pack("<H" if size_len == 2 else "<I", new_length)
        return data[:8] + packed + data[8 + size_len :], (
            f"header length {length} -> {new_length}"
        )
    if choice < 0.25:
        version = rng.choice((0, 2, 3, 9, 255))
        return data[:6] + bytes([version]) + data[7:], f"format version {version}"
    if choice < 0.40:
        cut = rng.randrange(len(body) + 1) if body else 0
        return data[: start + length] + body[:cut], f"data truncated to {cut} bytes"
    old, new = rng.choice(NPY_HEADER_EDITS)
    if old not in header:
        new_header, what = mutate_text(rng, header, 1)
    else:
        positions = [m.start() for m in re.finditer(re.escape(old), header)]
        at = rng.choice(positions)
        new_header = header[:at] + new + header[at + len(old) :]
        what = f"header {old!r} -> {new!r}"
    # keep the header block length (pad or cut) so the data stays aligned
    encoded = new_header.encode("latin1", errors="replace")
    if rng.random() < 0.7:
        encoded = encoded[:length].ljust(length, b" ")
        if not encoded.endswith(b"\n"):
            encoded = encoded[:-1] + b"\n"
        return data[:start] + encoded + body, what
    packed = struct.pack("<H" if size_len == 2 else "<I", len(encoded))
    return data[:8] + packed + encoded + body, what + " (length field updated)"


# --- JSON ---------------------------------------------------------------------

JSON_VALUES: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    1.5,
    2**40,
    "",
    "x",
    [],
    {},
    [1, 2],
    {"a": 1},
    float("nan"),
)


def _json_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            paths += _json_paths(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            paths += _json_paths(child, (*path, i))
    return paths


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def mutate_json(rng: random.Random, data: bytes) -> Mutation:
    """Delete a key or item, change a value's type, or swap two values of a
    JSON document; text mutations when it does not parse."""
    try:
        doc = json.loads(data)
    except ValueError:
        return mutate_text_file(rng, data)
    paths = [p for p in _json_paths(doc) if p]
    if not paths or rng.random() < 0.2:
        return mutate_text_file(rng, data)
    path = rng.choice(paths)
    parent = _get(doc, path[:-1])
    key = path[-1]
    action = rng.choice(("delete", "retype", "retype", "swap"))
    if action == "delete":
        del parent[key]
        what = f"delete {list(path)}"
    elif action == "retype":
        parent[key] = rng.choice(JSON_VALUES)
        what = f"set {list(path)} to {parent[key]!r}"
    else:
        other = rng.choice(paths)
        try:
            a, b = _get(doc, path), _get(doc, other)
            parent[key] = b
            _get(doc, other[:-1])[other[-1]] = a
            what = f"swap {list(path)} and {list(other)}"
        except (KeyError, IndexError, TypeError):
            parent[key] = None
            what = f"set {list(path)} to None"
    return json.dumps(doc, indent=1).encode(), what
