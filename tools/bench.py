#!/usr/bin/env python3
"""Run elk's benchmark sweep under QEMU, write CSV, draw plots.

    tools/bench.py --kernel K --initrd I [--mode full|quick|tiny] [--timing tcg|icount]
                   [--runs N] [--accel A] [--out bench/results] [--plots bench/plots]
    tools/bench.py --kernel K --initrd I --scale [--calls N]   (the scaling sweep)
    tools/bench.py --plots-only        (redraw from the CSV already written)

The guest program bench (bench/bench.c) prints one `bench-row:` line per point;
each becomes a progress line here and a row of bench/results/NAME.csv, NAME
being the mode and timing (tcg-full.csv, icount-quick.csv, ...). Then gnuplot
draws, per call, the cost per operation against the batch size (one line per
path, p10-p90 as error bars) and the speed-up of the page over `syscall`.

With --runs N the sweep boots N times and the CSV is the one run in which the
`syscall` null call was cheapest: QEMU's speed on a shared host can change by
a factor of two from one boot to the next, evenly for every path, so the runs
are compared whole and never mixed.

With --scale it runs the scaling sweep instead: the guest program scale
(bench/scale.c) with P = 1, 2 and 4 processes, each making N null calls on the
syscall path and then on its own syscall page, on SCALE_CPUS emulated CPUs, into
bench/results/scaling.csv and bench/plots/scaling.png and .svg: total calls per
second against P.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
import elkrun  # noqa: E402

ROOT = os.path.dirname(elkrun.TOOLS)
HEADER = ["bench", "call", "path", "batch", "calls", "cycles_median", "cycles_p10",
          "cycles_p90", "ns_median", "calls_per_sec", "traps_per_call"]
TIMEOUTS = {"full": 1200, "quick": 180, "tiny": 60}
# -icount makes the TSC count instructions: deterministic, but blind to host speed.
# It needs single-threaded TCG, whatever --accel says; None means --accel.
TIMINGS = {"tcg": (None, []), "icount": ("tcg,thread=single", ["-icount", "shift=4"])}
PLOT_SCRIPT = os.path.join(ROOT, "bench", "plot.gp")
SCALE_SCRIPT = os.path.join(ROOT, "bench", "scale.gp")
SCALE_HEADER = ["path", "procs", "cpus", "calls", "cycles", "calls_per_sec"]
SCALE_PROCS = (1, 2, 4)
SCALE_CPUS = 4
SCALE_TIMEOUT = 600


def parse_row(line, name):
    """The CSV row for a guest `bench-row:` line, or None if it is not one."""
    if not line.startswith("bench-row: "):
        return None
    fields = line[len("bench-row: "):].strip().split(",")
    if len(fields) != len(HEADER) - 1:
        return None
    return [name] + fields


def run_sweep(args, name):
    """Boot the sweep, print progress, return the rows (or exit on failure)."""
    accel, extra = TIMINGS[args.timing]
    accel = accel or args.accel
    argv = elkrun.qemu_argv(args.qemu, args.kernel, args.initrd, None,
                            ["bench", "sweep", args.mode], "256M", 1, extra, (), accel)
    rows, pending = [], [""]

    def sink(chunk):
        pending[0] += chunk.decode("utf-8", errors="replace").replace("\r", "")
        *lines, pending[0] = pending[0].split("\n")
        for line in lines:
            row = parse_row(line, name)
            if row:
                rows.append(row)
                print(f"bench: {row[1]:>9} {row[2]:>7} batch {row[3]:>3}: "
                      f"{row[5]:>8} cycles/call (p10 {row[6]}, p90 {row[7]}), "
                      f"{row[10]} traps/call", flush=True)
            elif line.startswith("bench:") or "FAIL" in line or "panic" in line:
                print(line, flush=True)

    if not elkrun.ensure_qemu(args.qemu):
        sys.exit(f"bench: {args.qemu} is not installed")
    outcome = elkrun.run(argv, sink, stdin=subprocess.DEVNULL, timeout=TIMEOUTS[args.mode])
    if outcome.status != 0 or not rows:
        sys.exit(f"bench: the sweep failed: {outcome.reason}")
    return rows


def pace(rows):
    """A run's speed, for --runs: the median cycles of its syscall null calls."""
    costs = sorted(int(r[5]) for r in rows if r[1] == "null" and r[2] == "syscall")
    return costs[len(costs) // 2] if costs else float("inf")


def fastest_sweep(args, name):
    """Run the sweep args.runs times; the rows of the fastest run."""
    runs = []
    for n in range(1, args.runs + 1):
        rows = run_sweep(args, name)
        runs.append(rows)
        if args.runs > 1:
            print(f"bench: run {n} of {args.runs}: syscall null call {pace(rows)} cycles",
                  flush=True)
    best = min(range(len(runs)), key=lambda i: pace(runs[i]))
    if args.runs > 1:
        print(f"bench: keeping run {best + 1}, the fastest")
    return runs[best]


def write_csv(path, rows, header=HEADER):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    print(f"bench: wrote {path} ({len(rows)} rows)")


def plot_table(rows, call):
    """Whitespace-separated lines: batch, then median p10 p90 for each path."""
    paths = ("syscall", "int80", "page")
    by = {(r["path"], int(r["batch"])): r for r in rows if r["call"] == call}
    lines = []
    for batch in sorted({b for _, b in by}):
        if all((p, batch) in by for p in paths):
            cols = [str(batch)] + [by[p, batch][k] for p in paths
                                   for k in ("cycles_median", "cycles_p10", "cycles_p90")]
            lines.append(" ".join(cols))
    return "\n".join(lines) + "\n"


def run_scale(args):
    """Boot scale for each P of SCALE_PROCS; the CSV rows (or exit on failure)."""
    if not elkrun.ensure_qemu(args.qemu):
        sys.exit(f"bench: {args.qemu} is not installed")
    rows = []
    for procs in SCALE_PROCS:
        argv = elkrun.qemu_argv(args.qemu, args.kernel, args.initrd, None,
                                ["scale", str(procs), str(args.calls)], "256M", SCALE_CPUS,
                                (), (), args.accel)
        text = []
        outcome = elkrun.run(argv, lambda chunk: text.append(chunk),
                             stdin=subprocess.DEVNULL, timeout=SCALE_TIMEOUT)
        lines = b"".join(text).decode("utf-8", errors="replace").replace("\r", "").split("\n")
        got = [ln[len("scale-row: "):].split(",") for ln in lines
               if ln.startswith("scale-row: ")]
        if outcome.status != 0 or len(got) != 2:
            sys.exit(f"bench: scale {procs} failed: {outcome.reason}")
        for path, p, calls, cycles, per_sec in got:
            rows.append([path, p, SCALE_CPUS, calls, cycles, per_sec])
            print(f"bench: scale P={p} {path:>7}: {per_sec:>9} calls/s in all", flush=True)
    return rows


def plot_scaling(rows, name, plots_dir):
    """Draw the scaling sweep's plot: total calls per second against P."""
    by = {(r["path"], int(r["procs"])): r["calls_per_sec"] for r in rows}
    cpus = rows[0]["cpus"] if rows else SCALE_CPUS
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "scaling.dat")
        with open(data, "w") as f:
            for procs in sorted({p for _, p in by}):
                f.write(f"{procs} {by.get(('syscall', procs), 0)} {by.get(('page', procs), 0)}\n")
        for term, ext in (("pngcairo size 900,560", "png"), ("svg size 900,560", "svg")):
            out = os.path.join(plots_dir, f"{name}.{ext}")
            subprocess.run(["gnuplot", "-e", f"datafile='{data}'; cpus={cpus}; "
                            f"term='{term}'; out='{out}'", SCALE_SCRIPT], check=True)
    print(f"bench: plot in {plots_dir}/{name}.png and .svg")


def plot(csv_path, plots_dir):
    """Draw PNG and SVG plots for csv_path with gnuplot: the sweep's, or the scaling one."""
    if subprocess.call(["bash", os.path.join(elkrun.TOOLS, "need.sh"), "gnuplot"]) != 0:
        sys.exit("bench: gnuplot is needed for the plots")
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    name = os.path.splitext(os.path.basename(csv_path))[0]
    os.makedirs(plots_dir, exist_ok=True)
    if rows and "procs" in rows[0]:
        plot_scaling(rows, name, plots_dir)
        return
    calls = list(dict.fromkeys(r["call"] for r in rows))
    with tempfile.TemporaryDirectory() as tmp:
        for call in calls:
            data = os.path.join(tmp, call + ".dat")
            with open(data, "w") as f:
                f.write(plot_table(rows, call))
            for term, ext in (("pngcairo size 900,560", "png"), ("svg size 900,560", "svg")):
                out = os.path.join(plots_dir, f"{name}-{call}.{ext}")
                subprocess.run(["gnuplot", "-e", f"datafile='{data}'; call='{call}'; "
                                f"term='{term}'; out='{out}'", PLOT_SCRIPT], check=True)
    print(f"bench: plots in {plots_dir}/{name}-*.png and .svg")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel")
    p.add_argument("--initrd")
    p.add_argument("--qemu", default=elkrun.QEMU)
    p.add_argument("--accel", default=elkrun.ACCEL,
                   help="QEMU -accel value for --timing tcg (icount always uses "
                        "tcg,thread=single)")
    p.add_argument("--mode", choices=sorted(TIMEOUTS), default="full")
    p.add_argument("--timing", choices=sorted(TIMINGS), default="tcg")
    p.add_argument("--runs", type=int, default=1,
                   help="boot the sweep this many times and keep the fastest run")
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    p.add_argument("--plots", default=os.path.join(ROOT, "bench", "plots"))
    p.add_argument("--no-plots", action="store_true", help="write the CSV only")
    p.add_argument("--plots-only", action="store_true", help="redraw from existing CSV")
    p.add_argument("--scale", action="store_true", help="run the scaling sweep instead")
    p.add_argument("--calls", type=int, default=200000,
                   help="null calls per process and path in the scaling sweep")
    args = p.parse_args()

    if args.plots_only:
        files = sorted(f for f in os.listdir(args.out) if f.endswith(".csv"))
        if not files:
            sys.exit(f"bench: no CSV in {args.out}; run make bench first")
        for f in files:
            plot(os.path.join(args.out, f), args.plots)
        return
    if not (args.kernel and args.initrd):
        p.error("need --kernel and --initrd (or --plots-only)")
    if args.scale:
        csv_path = os.path.join(args.out, "scaling.csv")
        write_csv(csv_path, run_scale(args), SCALE_HEADER)
        if not args.no_plots:
            plot(csv_path, args.plots)
        return
    name = f"{args.timing}-{args.mode}"
    csv_path = os.path.join(args.out, name + ".csv")
    if args.runs < 1:
        p.error("--runs must be at least 1")
    write_csv(csv_path, fastest_sweep(args, name))
    if not args.no_plots:
        plot(csv_path, args.plots)


if __name__ == "__main__":
    main()
