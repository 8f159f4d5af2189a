"""Small statistics helpers (stdlib statistics lacks nearest-rank percentiles)."""

import math
import statistics


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(sorted_values, p):
    """Nearest-rank percentile (p in 0..100) of an already sorted list; None if empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b
