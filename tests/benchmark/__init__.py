"""Benchmarks: scripts run by hand (``python -m tests.benchmark.bench_tenants``), not tests."""
