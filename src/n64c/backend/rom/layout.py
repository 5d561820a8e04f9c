"""The cartridge image of an n64c test ROM.

    0x0000  header (64 bytes): 0x80371240, entry point 0x80000400 at 0x08,
            the program's size at 0x18 (a field the console leaves unused),
            the name at 0x20
    0x0040  boot stub (`boot.S`, the IPL3 area, up to 0xFC0 bytes)
    0x1000  program: the linked code and data, copied to RDRAM 0x80000400
    then, 16-byte aligned: the data table (16 big-endian words: magic
            "N64T", version, weights offset and size, samples offset,
            count and stride, float32 and int16 bytes per sample), the
            weights blob, the input records

Each input record holds the model's inputs in float32, then (for models
with `n64c_model_run_q`) in int16, big-endian, padded to 16 bytes. The
image is padded to a whole number of MiB. `n64c_rom_main.c` reads it.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from n64c.errors import N64cError

HEADER_MAGIC = 0x80371240
ENTRY_POINT = 0x80000400
BOOT_OFFSET = 0x40
PROGRAM_OFFSET = 0x1000
TABLE_MAGIC = 0x4E363454
TABLE_VERSION = 1
TABLE_BYTES = 64
MIB = 1 << 20
ROM_LIMIT = 64 * MIB
RDRAM_PROGRAM_LIMIT = 0x00400000 - 0x400 - 0x10000
"""RDRAM bytes the program may take: 4 MiB less the vectors and 64 KiB of
stack."""


def align(value: int, to: int) -> int:
    """`value` rounded up to a multiple of `to`."""
    return (value + to - 1) // to * to


@dataclass(frozen=True)
class RomLayout:
    """Where each part of the image lies (byte offsets in the ROM)."""

    program_size: int
    table_offset: int
    weights_offset: int
    weights_size: int
    samples_offset: int
    sample_count: int
    sample_stride: int
    size: int


def sample_records(
    floats: Sequence[np.ndarray], ints: Sequence[np.ndarray] | None
) -> tuple[bytes, int, int, int]:
    """The input records: `floats` (and `ints`) hold one array per model
    input, batch first. Returns (records, stride, float32 bytes, int16
    bytes) per sample."""
    batch = int(floats[0].shape[0])
    # concatenate first: numpy's result would be in native byte order
    f = np.concatenate(
        [np.asarray(x, dtype=np.float32).reshape(batch, -1) for x in floats], axis=1
    ).astype(">f4")
    parts = [f.view(np.uint8).reshape(batch, -1)]
    q_bytes = 0
    if ints is not None:
        q = np.concatenate(
            [np.asarray(x, dtype=np.int16).reshape(batch, -1) for x in ints], axis=1
        ).astype(">i2")
        parts.append(q.view(np.uint8).reshape(batch, -1))
        q_bytes = q.shape[1] * 2
    rows = np.concatenate(parts, axis=1)
    stride = align(max(rows.shape[1], 1), 16)
    padded = np.zeros((batch, stride), dtype=np.uint8)
    padded[:, : rows.shape[1]] = rows
    return padded.tobytes(), stride, f.shape[1] * 4, q_bytes


def rom_header(program_size: int, name: str) -> bytes:
    """The 64-byte cartridge header."""
    title = name.encode("ascii", "replace")[:20].ljust(20, b" ")
    head = struct.pack(
        ">IIIIIIII", HEADER_MAGIC, 0x0000000F, ENTRY_POINT, 0x0000144C, 0, 0,
        program_size, 0,
    )  # fmt: skip
    tail = b"\0" * 7 + b"N" + b"NC" + b"E" + b"\0"
    return head + title + tail


def rom_image(
    boot: bytes,
    program: bytes,
    weights: bytes,
    samples: bytes,
    sample_count: int,
    sample_stride: int,
    float_bytes: int,
    q_bytes: int,
    name: str = "N64C MODEL",
) -> tuple[bytes, RomLayout]:
    """Assemble the cartridge image (see the module doc)."""
    if len(boot) > PROGRAM_OFFSET - BOOT_OFFSET:
        raise N64cError(f"the boot stub is {len(boot)} bytes, over the IPL3 area")
    program = program + b"\0" * (align(len(program), 16) - len(program))
    if len(program) > RDRAM_PROGRAM_LIMIT:
        raise N64cError(
            f"the ROM program is {len(program)} bytes, more than fits RDRAM"
        )
    table_offset = PROGRAM_OFFSET + len(program)
    weights_offset = table_offset + TABLE_BYTES
    samples_offset = align(weights_offset + len(weights), 16)
    end = samples_offset + len(samples)
    size = align(max(end, 1), MIB)
    if size > ROM_LIMIT:
        raise N64cError(f"the ROM would be {size // MIB} MiB, over 64 MiB")
    table = struct.pack(
        ">9I", TABLE_MAGIC, TABLE_VERSION, weights_offset, len(weights),
        samples_offset, sample_count, sample_stride, float_bytes, q_bytes,
    ).ljust(TABLE_BYTES, b"\0")  # fmt: skip
    image = bytearray(size)
    image[0:BOOT_OFFSET] = rom_header(len(program), name)
    image[BOOT_OFFSET : BOOT_OFFSET + len(boot)] = boot
    image[PROGRAM_OFFSET:table_offset] = program
    image[table_offset:weights_offset] = table
    image[weights_offset : weights_offset + len(weights)] = weights
    image[samples_offset:end] = samples
    layout = RomLayout(
        program_size=len(program),
        table_offset=table_offset,
        weights_offset=weights_offset,
        weights_size=len(weights),
        samples_offset=samples_offset,
        sample_count=sample_count,
        sample_stride=sample_stride,
        size=size,
    )
    return bytes(image), layout


__all__ = ["RomLayout", "align", "rom_header", "rom_image", "sample_records"]
