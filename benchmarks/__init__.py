"""ASV benchmarks of n64c: one module per area (`bench_<area>.py`).

Run from this directory with `../.venv/bin/asv run --python=same --quick`
(or `asv dev`); the configuration is `asv.conf.json` beside this file.
"""
