"""Result model and the Markdown/JSON report.

Every benchmark returns a BenchResult: summary rows (median over rounds of each side, the
duet/redis ratio and a target check), the raw numbers of every round, and notes/errors.
Targets are reported, never asserted: timing on a shared machine drifts.
"""

import json
import os
import platform
import time

from .stats import ratio


class Target:
    """`kind` is "ratio" (duet/redis) or "duet" (duet's absolute value); op is ">=" or "<="."""

    def __init__(self, kind, op, value):
        self.kind, self.op, self.value = kind, op, value

    def describe(self):
        sym = "≥" if self.op == ">=" else "≤"
        return f"{'duet/redis' if self.kind == 'ratio' else 'duet'} {sym} {self.value:g}"

    def met(self, duet, redis):
        v = ratio(duet, redis) if self.kind == "ratio" else duet
        if v is None:
            return None
        return v >= self.value if self.op == ">=" else v <= self.value


class Row:
    def __init__(self, metric, unit, duet, redis, digits=1, target=None, better=None):
        self.metric, self.unit = metric, unit
        self.duet, self.redis = duet, redis
        self.digits, self.target, self.better = digits, target, better

    def fmt(self, v):
        if v is None:
            return "n/a"
        return f"{v:,.{self.digits}f}"

    def as_dict(self):
        return {"metric": self.metric, "unit": self.unit, "duet": self.duet,
                "redis": self.redis, "ratio": ratio(self.duet, self.redis),
                "better": self.better,
                "target": self.target.describe() if self.target else None,
                "met": self.target.met(self.duet, self.redis) if self.target else None}


class BenchResult:
    def __init__(self, name, params=None):
        self.name = name
        self.params = params or {}
        self.rows = []
        self.rounds = []  # dicts: {"round": r, "side": s, <metric>: value, ...}
        self.notes = []
        self.errors = []
        self.unavailable = []

    def as_dict(self):
        return {"name": self.name, "params": self.params,
                "summary": [r.as_dict() for r in self.rows], "rounds": self.rounds,
                "notes": self.notes, "errors": self.errors, "unavailable": self.unavailable}


def _met(row):
    if not row.target:
        return ""
    m = row.target.met(row.duet, row.redis)
    return "n/a" if m is None else ("yes" if m else "**NO**")


def summary_table(results):
    lines = ["| benchmark | metric | duet | redis | duet/redis | target | met |",
             "|---|---|--:|--:|--:|---|---|"]
    for res in results:
        for row in res.rows:
            r = ratio(row.duet, row.redis)
            lines.append(
                f"| {res.name} | {row.metric} ({row.unit}) | {row.fmt(row.duet)} | "
                f"{row.fmt(row.redis)} | {'n/a' if r is None else f'{r:.2f}'} | "
                f"{row.target.describe() if row.target else ''} | {_met(row)} |")
        if not res.rows:
            lines.append(f"| {res.name} | (no measurements) | | | | | |")
    out = "\n".join(lines)
    notes = []
    for res in results:
        for msg in res.unavailable:
            notes.append(f"- {res.name}: UNAVAILABLE: {msg}")
        for msg in res.errors:
            notes.append(f"- {res.name}: ERROR: {msg}")
        for msg in res.notes:
            notes.append(f"- {res.name}: {msg}")
    if notes:
        out += "\n\n" + "\n".join(notes)
    return out


def _cell(v):
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 1000 else f"{v:,.0f}"
    return "" if v is None else str(v)


def rounds_tables(results):
    parts = []
    for res in results:
        if not res.rounds:
            continue
        keys = []
        for rnd in res.rounds:
            keys += [k for k in rnd if k not in keys]
        parts.append(f"### {res.name}: every round\n")
        if res.params:
            parts.append("parameters: " + ", ".join(f"{k}={v}" for k, v in res.params.items())
                         + "\n")
        parts.append("| " + " | ".join(keys) + " |")
        parts.append("|" + "---|" * len(keys))
        for rnd in res.rounds:
            parts.append("| " + " | ".join(_cell(rnd.get(k)) for k in keys) + " |")
        parts.append("")
    return "\n".join(parts)


def host_info():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Linux {platform.release()}, " \
           f"load average {os.getloadavg()[0]:.2f} at start"


def save(results_dir, header, results, stamp=None):
    """Writes <stamp>-<names>.md (summary + every round) and .json; returns the .md path."""
    os.makedirs(results_dir, exist_ok=True)
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    base = os.path.join(results_dir, f"{stamp}-{'-'.join(r.name for r in results)}")
    with open(base + ".md", "w") as f:
        f.write(header + "\n\n" + summary_table(results) + "\n\n" + rounds_tables(results))
    with open(base + ".json", "w") as f:
        json.dump({"header": header, "results": [r.as_dict() for r in results]}, f, indent=1)
    return base + ".md"
