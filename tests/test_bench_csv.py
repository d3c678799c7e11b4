#!/usr/bin/env python3
"""Host test of the benchmark pipeline: a tiny sweep (the null call, every path,
batches 1, 8 and 64, three repetitions) must give CSV with the agreed header, every
column filled, positive costs, and exactly 1/B system-call traps per call on the
page path. It asserts nothing about speed. QEMU runs with the accelerator
tools/runtests.py passes in ELK_QEMU_ACCEL."""

import csv
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = ["bench", "call", "path", "batch", "calls", "cycles_median", "cycles_p10",
          "cycles_p90", "ns_median", "calls_per_sec", "traps_per_call"]


def main():
    failures = []
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run(
            [sys.executable, os.path.join(ROOT, "tools", "bench.py"),
             "--kernel", os.path.join(ROOT, "obj", "kern", "kernel"),
             "--initrd", os.path.join(ROOT, "obj", "initrd.img"),
             "--mode", "tiny", "--no-plots", "--out", out,
             "--accel", os.environ.get("ELK_QEMU_ACCEL", "tcg,thread=multi")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(run.stdout)
        if run.returncode != 0:
            print(f"FAIL bench.py exited {run.returncode}")
            return 1
        with open(os.path.join(out, "tcg-tiny.csv")) as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = list(reader)
    if header != HEADER:
        failures.append(f"header {header}")
    if len(rows) != 9:
        failures.append(f"{len(rows)} rows, expected 9 (3 paths x 3 batch sizes)")
    for row in rows:
        if len(row) != len(HEADER) or any(v == "" for v in row):
            failures.append(f"incomplete row {row}")
            continue
        r = dict(zip(HEADER, row))
        if min(int(r[k]) for k in ("cycles_median", "cycles_p10", "cycles_p90",
                                    "ns_median", "calls_per_sec")) <= 0:
            failures.append(f"a cost that is not positive in {row}")
        want = 1 / int(r["batch"]) if r["path"] == "page" else 1.0
        if abs(float(r["traps_per_call"]) - want) > 0.0001:
            failures.append(f"{r['path']} batch {r['batch']}: {r['traps_per_call']} "
                            f"traps per call, expected {want:.4f}")
    for f in failures:
        print("FAIL", f)
    print(f"test_bench_csv: {len(rows)} rows, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
