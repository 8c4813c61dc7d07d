"""Benchmarks against a seeded partnership (docs/performance.md). Not part of the service."""
