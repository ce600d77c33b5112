#!/usr/bin/env python3
"""Whole-process figures of the tilesim CLI, measured in alternation so that drift in machine load hits
both sides of a ratio alike (on a shared 2-core machine one run in ten can be twice as slow).

  scripts/measure_cli.py perf-cost [--runs 20]        # `run gemm` 1024^3 with and without --perf: wall time
  scripts/measure_cli.py thread-scaling [--runs 10]   # `run gemm` 1024^3 on 1 and 2 threads: emulator_ms

Prints the medians, the ratio of the medians, the median and worst per-pair ratio, and with --json one
JSON object instead. The C++ benchmarks (make bench: BM_GemmPerfCost, BM_GemmThreadScaling) measure the
same in one process; this measures what a user's command costs, process start and exit included.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

GEMM = ["run", "gemm", "--M", "1024", "--N", "1024", "--K", "1024", "--json"]


def run(tilesim, args):
    """Runs the CLI once; returns (wall milliseconds, parsed JSON)."""
    start = time.perf_counter()
    done = subprocess.run([tilesim, *args], capture_output=True, text=True)
    wall_ms = (time.perf_counter() - start) * 1e3
    if done.returncode != 0:
        sys.exit(f"measure_cli: `{' '.join([tilesim, *args])}` exited {done.returncode}:\n{done.stderr}")
    return wall_ms, json.loads(done.stdout)


def summarize(name_a, a, name_b, b):
    pairs = [y / x for x, y in zip(a, b)]
    return {
        f"{name_a}_median": statistics.median(a),
        f"{name_b}_median": statistics.median(b),
        "ratio_of_medians": statistics.median(b) / statistics.median(a),
        "pair_ratio_median": statistics.median(pairs),
        "pair_ratio_max": max(pairs),
        "pair_ratio_min": min(pairs),
        "runs": len(pairs),
    }


def perf_cost(tilesim, runs):
    plain, perf, replay = [], [], []
    for _ in range(runs):
        plain.append(run(tilesim, GEMM)[0])
        wall_ms, result = run(tilesim, GEMM + ["--perf"])
        perf.append(wall_ms)
        replay.append(result["replay_ms"])
    summary = summarize("plain_ms", plain, "perf_ms", perf)
    summary["replay_ms_median"] = statistics.median(replay)
    return summary


def thread_scaling(tilesim, runs):
    one, two = [], []
    for _ in range(runs):
        one.append(run(tilesim, GEMM + ["--threads", "1"])[1]["emulator_ms"])
        two.append(run(tilesim, GEMM + ["--threads", "2"])[1]["emulator_ms"])
    summary = summarize("threads2_ms", two, "threads1_ms", one)  # ratios: one thread over two = speed-up
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["perf-cost", "thread-scaling"])
    parser.add_argument("--runs", type=int, default=None, help="alternating pairs (default 20 / 10)")
    parser.add_argument("--tilesim", default=str(Path(__file__).resolve().parent.parent / "build/tools/tilesim"),
                        help="the CLI to measure (default: build/tools/tilesim of this checkout)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args()
    if not Path(options.tilesim).is_file():
        sys.exit(f"measure_cli: {options.tilesim} does not exist; build first (make demo)")
    if options.what == "perf-cost":
        summary = perf_cost(options.tilesim, options.runs or 20)
        label = "--perf over plain (wall time of the whole process)"
    else:
        summary = thread_scaling(options.tilesim, options.runs or 10)
        label = "1 thread over 2 threads (emulator_ms)"
    if options.json:
        print(json.dumps(summary, indent=2))
        return
    for key, value in summary.items():
        print(f"{key:>20}: {value:.3f}" if isinstance(value, float) else f"{key:>20}: {value}")
    print(f"{'':>20}  ratios are {label}")


if __name__ == "__main__":
    main()
