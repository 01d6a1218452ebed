"""Benchmarks: `python -m bench` (see docs/evaluation.md; recorded runs in bench/results/)."""
