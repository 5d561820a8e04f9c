"""The bridge to mupen64plus-rsp-z64 and the differential harness: jobs
streamed through one z64 runner, random program generation, and one
simulator-versus-z64 check."""

from __future__ import annotations


class Z64Bridge:
    """Throughput of run_z64_many (one long-lived runner process)."""

    def setup(self) -> None:
        from n64c.sim.z64 import Z64Job, run_z64

        words = (0x34081234, 0xAC080100, 0x0000000D)  # ori t0; sw t0; break
        imem = b"".join(w.to_bytes(4, "big") for w in words)
        self.jobs = [Z64Job(imem, bytes(4096), rdram=bytes(4096)) for _ in range(200)]
        run_z64(imem)  # build the runner and start it outside the timing

    def time_200_jobs(self) -> None:
        from n64c.sim.z64 import run_z64_many

        run_z64_many(self.jobs)


class RandomPrograms:
    """Generating random programs and checking one against z64."""

    def setup(self) -> None:
        from n64c.sim.z64 import randprog

        self.program = randprog.generate(1)

    def time_generate_20(self) -> None:
        from n64c.sim.z64 import randprog

        for seed in range(20):
            randprog.generate(seed)

    def time_check_one_program(self) -> None:
        from n64c.sim.z64.fuzz import check_programs

        check_programs([self.program])
