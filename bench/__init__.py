"""Benchmarks: `python -m bench` (see README "Benchmark")."""
