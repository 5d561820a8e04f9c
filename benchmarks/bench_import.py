"""Start-up cost: importing n64c and launching `n64-opt`.

`timeraw_*` benchmarks run their code in a fresh interpreter, so the module
cache does not hide the import time.
"""

from __future__ import annotations

import subprocess
import sys


def timeraw_import_n64c() -> str:
    return "import n64c"


def timeraw_import_n64_dialect() -> str:
    return "import n64c.dialects.n64"


def timeraw_import_n64_opt() -> str:
    return "import n64c.tools.n64_opt"


class N64OptStartup:
    """`n64-opt --help` in a subprocess: interpreter, imports, registration."""

    timeout = 120.0

    def time_n64_opt_help(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "n64c.tools.n64_opt", "--help"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
