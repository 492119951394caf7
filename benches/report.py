#!/usr/bin/env python3
"""Prints the README's performance table from the last criterion run.

Reads target/criterion/<group>/<function>/<input>/new/{estimates,benchmark}.json
(written by `cargo bench --bench parse|encode|decoder|status`) and pairs
every `getemms` measurement with the hand-written one of the same group and
input: median ns per operation, throughput, and the ratio ours / hand-written.

    python3 benches/report.py
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"


def load():
    rows = {}
    for bench in ROOT.glob("**/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        estimates = json.loads((bench.parent / "estimates.json").read_text())
        median_ns = estimates["median"]["point_estimate"]
        throughput = meta.get("throughput") or {}
        rows[meta["full_id"]] = (meta, median_ns, throughput)
    return rows


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


def main():
    rows = load()
    if not rows:
        sys.exit("no criterion results: run the benches first (see README, Performance)")
    print("| benchmark | input | getemms | hand-written | ratio | getemms throughput |")
    print("|---|---|---:|---:|---:|---:|")
    for full_id in sorted(rows, key=lambda k: (rows[k][0]["group_id"], k)):
        meta, ns, throughput = rows[full_id]
        function = meta["function_id"] or ""
        if "getemms" not in function:
            continue
        group = meta["group_id"]
        value = meta.get("value_str") or ""
        hand_function = function.replace("getemms_nom", "hand_written").replace(
            "getemms", "hand_written"
        )
        hand_id = "/".join(p for p in (group, hand_function, value) if p)
        if hand_id not in rows and group == "owned":
            hand_id = "/".join(p for p in (group, "bytes_get_u32", value) if p)
        hand = rows.get(hand_id)
        rest = function.replace("getemms", "").strip("/_")
        name = f"{group}/{rest}" if rest else group
        hand_cell = fmt_ns(hand[1]) if hand else "—"
        ratio = f"{ns / hand[1]:.2f}×" if hand else "—"
        print(f"| {name} | {value} | {fmt_ns(ns)} | {hand_cell} | {ratio} | {fmt_rate(ns, throughput)} |")


if __name__ == "__main__":
    main()
