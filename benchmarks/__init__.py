"""Benchmarks: measured, recorded in benchmarks/RESULTS.md, never asserted in tests."""
