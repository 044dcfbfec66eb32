"""Benchmarks: each script prints its figures (see the Makefile targets bench-*)."""
