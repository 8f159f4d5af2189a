"""Side-by-side benchmarks of duet-server against redis-server (see bench/README.md)."""
