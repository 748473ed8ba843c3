"""Synthetic data at province scale for benchmarks and demos (`jifen gen_data`). No models."""
