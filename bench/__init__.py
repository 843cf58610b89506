"""`make bench`: Cadence's benchmarks, each figure beside a baseline measured in the same run.

Run as `python -m bench` (see bench/README.md). Nothing here is imported by the product.
"""
