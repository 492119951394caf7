#!/usr/bin/env python3
"""Prints the README's performance table from the last criterion run.

Reads target/criterion/<group>/<function>/<input>/new/{estimates,benchmark}.json
(written by `cargo bench --bench parse|encode|decoder|status`; under
$CARGO_TARGET_DIR/criterion when that is set) and pairs every `getemms`
measurement with the hand-written one of the same group and input: median
ns per operation, the ratio ours / hand-written, and the throughput.

The throughput column shows a rate only where the bench declared one
(bytes, for the benches that read or write every byte they are given;
elements, for the status look-ups). Elsewhere it says what the cost
follows: `O(1), independent of EMM size` for a series whose medians at the
smallest and largest input are within FLAT of each other, or the note of
NOTES for a group whose input is not an EMM size or that has one input.

    python3 benches/report.py
"""
import json
import os
import pathlib
import sys

TARGET = os.environ.get("CARGO_TARGET_DIR") or (
    pathlib.Path(__file__).resolve().parent.parent / "target"
)
ROOT = pathlib.Path(TARGET) / "criterion"

# Largest ratio between the medians at the smallest and largest input of a
# series that still counts as flat in size.
FLAT = 1.25

# What the cost follows, for groups without a throughput that the data
# alone cannot describe.
NOTES = {
    "decoder_raw": "per chunk; EMM bytes not read",
    "header": "12 header bytes; EMM not read",
}


def load():
    rows = {}
    for bench in ROOT.glob("**/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        estimates = json.loads((bench.parent / "estimates.json").read_text())
        median_ns = estimates["median"]["point_estimate"]
        throughput = meta.get("throughput") or {}
        rows[meta["full_id"]] = (meta, median_ns, throughput)
    return rows


def input_key(meta):
    """Sorts inputs by size: 16 before 1460, text after numbers."""
    value = meta.get("value_str") or ""
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def row_key(meta):
    """Table order: by group, then function, then input size."""
    return (meta["group_id"], meta["function_id"] or "", input_key(meta))


def fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.2f} ns"


def fmt_rate(ns, throughput):
    if "Bytes" in throughput and ns > 0:
        gbs = throughput["Bytes"] / ns
        return f"{gbs:.2f} GB/s" if gbs >= 0.1 else f"{gbs * 1000:.0f} MB/s"
    if "Elements" in throughput and ns > 0:
        return f"{throughput['Elements'] / ns * 1000:.0f} M/s"
    return ""


def is_flat(series):
    """Whether the medians at the smallest and largest input are within FLAT."""
    if len(series) < 2:
        return False
    first, last = series[0], series[-1]
    return max(first, last) <= FLAT * min(first, last)


def series_of(rows):
    """(group, function) -> medians of its getemms rows, smallest input first."""
    series = {}
    for meta, ns, _ in sorted(rows.values(), key=lambda row: input_key(row[0])):
        series.setdefault((meta["group_id"], meta["function_id"]), []).append(ns)
    return series


def cost_cell(meta, ns, throughput, series):
    """The throughput column: a rate if declared, else what the cost follows."""
    rate = fmt_rate(ns, throughput)
    if rate:
        return rate
    group = meta["group_id"]
    if group in NOTES:
        return NOTES[group]
    if is_flat(series[(group, meta["function_id"])]):
        return "O(1), independent of EMM size"
    return ""


def hand_written_id(rows, meta):
    """The id of the hand-written measurement beside a getemms one."""
    group = meta["group_id"]
    value = meta.get("value_str") or ""
    function = meta["function_id"].replace("getemms_nom", "hand_written").replace(
        "getemms", "hand_written"
    )
    hand_id = "/".join(p for p in (group, function, value) if p)
    if hand_id not in rows and group == "owned":
        hand_id = "/".join(p for p in (group, "bytes_get_u32", value) if p)
    return hand_id


def main():
    rows = load()
    if not rows:
        sys.exit("no criterion results: run the benches first (see README, Performance)")
    series = series_of(rows)
    print("| benchmark | input | getemms | hand-written | ratio | throughput |")
    print("|---|---|---:|---:|---:|---:|")
    for full_id in sorted(rows, key=lambda k: row_key(rows[k][0])):
        meta, ns, throughput = rows[full_id]
        function = meta["function_id"] or ""
        if "getemms" not in function:
            continue
        group = meta["group_id"]
        value = meta.get("value_str") or ""
        hand = rows.get(hand_written_id(rows, meta))
        rest = function.replace("getemms", "").strip("/_")
        name = f"{group}/{rest}" if rest else group
        hand_cell = fmt_ns(hand[1]) if hand else "—"
        ratio = f"{ns / hand[1]:.2f}×" if hand else "—"
        cost = cost_cell(meta, ns, throughput, series)
        print(f"| {name} | {value} | {fmt_ns(ns)} | {hand_cell} | {ratio} | {cost} |")


if __name__ == "__main__":
    main()
