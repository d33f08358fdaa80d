"""Benchmarks and measurements; each script prints its figures and the target."""
