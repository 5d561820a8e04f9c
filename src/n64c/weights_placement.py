"""Where the weights live, and what streaming them from the cartridge costs.

With ``n64c compile --weights rom`` (``n64c.compile(..., weights="rom")``,
plan-rdram ``weights=rom``) the weights blob stays in the cartridge. Each
layer with weights is one segment of the blob; before each inference's
first RSP run the CPU starts the PI DMA of segment 0, and before the first
run of segment ``j`` it waits for segment ``j`` and starts segment ``j + 1``
into the other staging slot, so that DMA runs while the RSP works on
segment ``j``. Only the weights of RSP layers are streamed: the constants
of ops that stay on the CPU are part of the program (`model.c`).

The cartridge is slow. The PI cost model is the console measurement of
``docs/rsp-reference.md``: 64 KiB in 777,807 RCP cycles (about 5.3 MB/s,
about 11.9 cycles per byte), scaled linearly:

    >>> pi_dma_cycles(65536)
    777807
    >>> pi_dma_cycles(16)
    190

:func:`stream_schedule` replays one inference on that model: the RSP runs
take their measured cycles (the cycle model), the CPU's own work between
them counts as zero (so the stalls are an upper bound), one PI DMA runs at
a time. A segment's *stall* is how long its first run waits for its
weights; the first segment's load is never hidden (nothing runs before
it). :func:`weights_report` is the `weights` section of `report.json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PI_DMA_BYTES = 65536
PI_DMA_CYCLES = 777_807
"""RCP cycles of a 64 KiB PI DMA from the cartridge (console measurement)."""
RCP_CLOCK_HZ = 62_500_000


def pi_dma_cycles(size: int) -> int:
    """RCP cycles of a PI DMA of `size` bytes (linear in the size, rounded up)."""
    return -(-size * PI_DMA_CYCLES // PI_DMA_BYTES)


@dataclass(frozen=True)
class SegmentTiming:
    """One streamed segment in the schedule of an inference."""

    layer: str
    ucode: str
    size: int
    pi_cycles: int
    """Cycles of this segment's own PI DMA."""
    rsp_cycles: int
    """RSP cycles from this segment's first run to the next segment's first
    run: the work the next segment's DMA can hide behind."""
    next_pi_cycles: int
    """Cycles of the next segment's PI DMA (0 for the last segment)."""
    stall_cycles: int
    """Cycles this segment's first run waits for its weights."""

    @property
    def next_hidden(self) -> bool:
        """Whether the next segment arrives before this segment's work ends."""
        return self.next_pi_cycles <= self.rsp_cycles


@dataclass(frozen=True)
class StreamSchedule:
    segments: tuple[SegmentTiming, ...]
    rsp_cycles: int
    """RSP cycles of the whole inference."""

    @property
    def pi_cycles(self) -> int:
        return sum(s.pi_cycles for s in self.segments)

    @property
    def stall_cycles(self) -> int:
        """Cycles the RSP runs wait for weights per inference (exposed PI time)."""
        return sum(s.stall_cycles for s in self.segments)

    @property
    def hidden(self) -> bool:
        """Whether every segment but the first arrives in time."""
        return all(s.stall_cycles == 0 for s in self.segments[1:])


def stream_schedule(program: Any) -> StreamSchedule:
    """Replay one inference of `program` (an
    :class:`~n64c.backend.rsp_program.RspProgram`) with its weights streamed
    (see the module doc). A program without segments has an empty schedule."""
    runs = program.invocations
    segments = program.segments
    firsts = [i for i, inv in enumerate(runs) if inv.segment is not None]
    timings: list[SegmentTiming] = []
    t = 0
    done = pi_dma_cycles(segments[0].size) if segments else 0
    for k, first in enumerate(firsts):
        inv = runs[first]
        j = inv.segment
        seg = segments[j]
        stall = max(0, done - t)
        t += stall
        next_pi = pi_dma_cycles(segments[j + 1].size) if j + 1 < len(segments) else 0
        done = t + next_pi
        end = firsts[k + 1] if k + 1 < len(firsts) else len(runs)
        work = sum(r.cycles for r in runs[first:end])
        t += work
        timings.append(
            SegmentTiming(
                layer=seg.layer,
                ucode=inv.ucode,
                size=seg.size,
                pi_cycles=pi_dma_cycles(seg.size),
                rsp_cycles=work,
                next_pi_cycles=next_pi,
                stall_cycles=stall,
            )
        )
    return StreamSchedule(tuple(timings), sum(r.cycles for r in runs))


def weights_report(program: Any) -> dict[str, Any]:
    """The `weights` section of `report.json`: where the blob lives, the RDRAM
    it takes and saves, the staging size, and (weights in the cartridge)
    the PI DMA time per inference and how much of it the RSP's work hides."""
    layout = program.layout
    blob = layout.weights_size
    in_rom = layout.weights_in == "rom"
    schedule = stream_schedule(program)
    rdram = layout.staging_size if in_rom else blob
    return {
        "placement": layout.weights_in,
        "blob_bytes": blob,
        "rdram_bytes": rdram,
        "rdram_saved_bytes": blob - rdram,
        "staging_bytes": layout.staging_size,
        "staging_slots_bytes": [
            max((seg.size for seg in program.segments[parity::2]), default=0)
            for parity in (0, 1)
        ]
        if in_rom
        else [],
        "pi_dma_cycles": schedule.pi_cycles,
        "pi_dma_us": round(schedule.pi_cycles * 1e6 / RCP_CLOCK_HZ, 2),
        "exposed_stall_cycles": schedule.stall_cycles,
        "hidden": schedule.hidden,
        "inference_cycles": schedule.rsp_cycles + schedule.stall_cycles,
        "segments": [
            {
                "layer": s.layer,
                "ucode": s.ucode,
                "bytes": s.size,
                "pi_cycles": s.pi_cycles,
                "rsp_cycles": s.rsp_cycles,
                "next_pi_cycles": s.next_pi_cycles,
                "next_hidden": s.next_hidden,
                "stall_cycles": s.stall_cycles,
            }
            for s in schedule.segments
        ],
    }


__all__ = [
    "PI_DMA_BYTES",
    "PI_DMA_CYCLES",
    "SegmentTiming",
    "StreamSchedule",
    "pi_dma_cycles",
    "stream_schedule",
    "weights_report",
]
