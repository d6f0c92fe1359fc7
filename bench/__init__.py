"""Benchmarks: run as modules, e.g. `python -m bench.reminders` (see docs/PERFORMANCE.md)."""
