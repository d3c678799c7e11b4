#!/usr/bin/env python3
"""Run elk's benchmark sweep under QEMU, write CSV, draw plots.

    tools/bench.py --kernel K --initrd I [--mode full|quick|tiny] [--timing tcg|icount]
                   [--runs N] [--accel A] [--reference] [--out DIR] [--plots DIR]
    tools/bench.py --kernel K --initrd I --scale [--calls N] [--reference]   (scaling)
    tools/bench.py --kernel K --initrd I --paging [--passes N] [--reference] (paging)
    tools/bench.py --plots-only        (redraw from the CSV already written)

The guest program bench (bench/bench.c) prints one `bench-row:` line per point;
each becomes a progress line here and a row of obj/bench/results/NAME.csv, NAME
being the timing and mode (tcg-full.csv, icount-quick.csv, ...), with the plots
in obj/bench/plots/. Only --reference writes the committed reference run,
bench/results/ and bench/plots/. Then gnuplot
draws, per call, the cost per operation against the batch size (one line per
path, p10-p90 as error bars) and the speed-up of the page over `syscall`.

With --runs N the sweep boots N times and the CSV is the one run in which the
`syscall` null call was cheapest: QEMU's speed on a shared host can change by
a factor of two from one boot to the next, evenly for every path, so the runs
are compared whole and never mixed.

With --scale it runs the scaling sweep instead: the guest program scale
(bench/scale.c) with P = 1, 2 and 4 processes, each making N null calls on the
syscall path and then on its own syscall page, on SCALE_CPUS emulated CPUs, into
scaling.csv and scaling.png and .svg beside the sweep's (so, with --reference,
in bench/results and bench/plots): total calls per second against P.

With --paging it runs the paging sweep: the guest program paging
(bench/paging.c) in 64 MiB with a 512 MiB swap disk, over working sets of 0.5,
1, 2 and 4 times the memory, touching one word of each page in address order
and in a scattered order, --passes times; into paging.csv and paging.png and
.svg: cycles per touch and pages moved (written to and read from swap) per
second against the working set.
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
# The paging sweep: working sets from half the guest's memory to four times it,
# with a swap disk that holds the largest.
PAGING_SCRIPT = os.path.join(ROOT, "bench", "paging.gp")
PAGING_HEADER = ["order", "ws_mib", "ram_mib", "ws_ratio", "touches", "cycles_per_touch",
                 "pages_moved", "moved_per_sec"]
PAGING_MEM = "64M"
PAGING_SWAP = "512M"
PAGING_RATIOS = (0.5, 1, 2, 4)
PAGING_TIMEOUT = 900
# Where the CSV and the plots go: the committed reference run only when asked for.
REFERENCE = (os.path.join(ROOT, "bench", "results"), os.path.join(ROOT, "bench", "plots"))
OWN = (os.path.join(ROOT, "obj", "bench", "results"), os.path.join(ROOT, "obj", "bench", "plots"))


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
    unit = "TSC ticks (instructions x 16)" if args.timing == "icount" else "cycles"

    def sink(chunk):
        pending[0] += chunk.decode("utf-8", errors="replace").replace("\r", "")
        *lines, pending[0] = pending[0].split("\n")
        for line in lines:
            row = parse_row(line, name)
            if row:
                rows.append(row)
                print(f"bench: {row[1]:>9} {row[2]:>7} batch {row[3]:>3}: "
                      f"{row[5]:>8} {unit}/call (p10 {row[6]}, p90 {row[7]}), "
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


# Each operation in words, for the plots' titles (bench/bench.c does them).
OPERATIONS = {
    "null": "null = getppid",
    "write": "write = a 1-byte write to /dev/null",
    "read4k": "read4k = a 4 KiB read from /dev/zero",
    "pipe": "pipe = a 1-byte pipe write, then its read",
    "mmapfill": "mmapfill = a 4 KiB read from /dev/zero into a fresh mmap page (its fault taken in ring 0)",
    "mmaptouch": "mmaptouch = mmap, touch the page, munmap",
    "brk": "brk = grow the break a page, touch it, shrink back",
    "fork": "fork = fork, the child's exit, wait4 (4 MiB touched heap)",
}
# Per timing mode: what the guest TSC counts, and the divisor that makes it that unit.
# Under -icount shift=4 every guest instruction advances the TSC by 16.
UNITS = {
    "tcg": ("tcg timing (plain TCG: the guest TSC follows the host clock)",
            "guest TSC cycles per operation", 1),
    "icount": ("icount timing (-icount shift=4: instructions, not time)",
               "guest instructions per operation (TSC / 16)", 16),
}
PATHS = ("syscall", "int80", "page")


def plot_table(rows, call, divisor=1):
    """Whitespace-separated lines: batch, then median p10 p90 for each path, in
    cycles divided by DIVISOR."""
    by = {(r["path"], int(r["batch"])): r for r in rows if r["call"] == call}
    lines = []
    for batch in sorted({b for _, b in by}):
        if all((p, batch) in by for p in PATHS):
            cols = [str(batch)] + [f"{int(by[p, batch][k]) / divisor:g}" for p in PATHS
                                   for k in ("cycles_median", "cycles_p10", "cycles_p90")]
            lines.append(" ".join(cols))
    return "\n".join(lines) + "\n"


def boot_rows(args, init, mem, cpus, prefix, timeout, nrows, swap=""):
    """Boot INIT (program and arguments) and return the fields of its NROWS lines
    that start with PREFIX, or exit saying why the run failed."""
    if not elkrun.ensure_qemu(args.qemu):
        sys.exit(f"bench: {args.qemu} is not installed")
    with elkrun.swap_image(swap) as disk:
        argv = elkrun.qemu_argv(args.qemu, args.kernel, args.initrd, None, init, mem, cpus,
                                (), (), args.accel, swap=disk)
        text = []
        outcome = elkrun.run(argv, lambda chunk: text.append(chunk),
                             stdin=subprocess.DEVNULL, timeout=timeout)
    lines = b"".join(text).decode("utf-8", errors="replace").replace("\r", "").split("\n")
    got = [ln[len(prefix):].split(",") for ln in lines if ln.startswith(prefix)]
    if outcome.status != 0 or len(got) != nrows:
        sys.exit(f"bench: {' '.join(init)} failed: {outcome.reason}")
    return got


def run_scale(args):
    """Boot scale for each P of SCALE_PROCS; the CSV rows (or exit on failure)."""
    rows = []
    for procs in SCALE_PROCS:
        got = boot_rows(args, ["scale", str(procs), str(args.calls)], "256M", SCALE_CPUS,
                        "scale-row: ", SCALE_TIMEOUT, 2)
        for path, p, calls, cycles, per_sec in got:
            rows.append([path, p, SCALE_CPUS, calls, cycles, per_sec])
            print(f"bench: scale P={p} {path:>7}: {per_sec:>9} calls/s in all", flush=True)
    return rows


def run_paging(args):
    """Boot paging for each order and working set of PAGING_RATIOS; the CSV rows."""
    rows = []
    ram = int(PAGING_MEM.rstrip("M"))
    for order in ("seq", "random"):
        for ratio in PAGING_RATIOS:
            mib = int(ram * ratio)
            got = boot_rows(args, ["paging", order, str(mib), str(args.passes)], PAGING_MEM, 1,
                            "paging-row: ", PAGING_TIMEOUT, 1, swap=PAGING_SWAP)
            o, ws, ram_mib, touches, cycles, moved, per_sec = got[0]
            rows.append([o, ws, ram_mib, ratio, touches, cycles, moved, per_sec])
            print(f"bench: paging {o:>6} {ws:>4} MiB ({ratio}x): {cycles:>9} cycles a touch, "
                  f"{per_sec:>7} pages moved/s", flush=True)
    return rows


def plot_paging(rows, name, plots_dir):
    """Draw the paging sweep's plot: cycles per touch and pages moved per second
    against the working set, one line per order."""
    with tempfile.TemporaryDirectory() as tmp:
        data = {}
        for order in ("seq", "random"):
            data[order] = os.path.join(tmp, order + ".dat")
            with open(data[order], "w") as f:
                for r in rows:
                    if r["order"] == order:
                        f.write(f"{r['ws_ratio']} {r['cycles_per_touch']} {r['moved_per_sec']}\n")
        for term, ext in (("pngcairo size 900,900", "png"), ("svg size 900,900", "svg")):
            out = os.path.join(plots_dir, f"{name}.{ext}")
            subprocess.run(["gnuplot", "-e", f"seqfile='{data['seq']}'; "
                            f"randomfile='{data['random']}'; ram='{PAGING_MEM}'; "
                            f"term='{term}'; out='{out}'", PAGING_SCRIPT], check=True)
    print(f"bench: plot in {plots_dir}/{name}.png and .svg")


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


def plot_ranges(table):
    """Axis ranges that hold every point and bar of TABLE (plot_table's text) with
    a margin: x on a log scale, the left panel's y on one when its data span more
    than a factor of 8 (with ticks at 1, 2 and 5 times powers of ten), the
    speed-up linear."""
    rows = [[float(v) for v in line.split()] for line in table.split("\n") if line]
    batches = [r[0] for r in rows]
    costs = [v for r in rows for v in r[1:]]
    ratios = [1.0] + [r[1] / r[i] for r in rows for i in (4, 7) if r[i] > 0]
    lo, hi = min(costs), max(costs)
    if hi / lo > 8:
        ylog, ymin, ymax = 1, lo / 1.3, hi * 1.3
    else:
        ylog, ymin, ymax = 0, max(0.0, lo - 0.1 * (hi - lo)), hi + 0.1 * (hi - lo)
    ticks = [m * 10 ** e for e in range(-1, 10) for m in (1, 2, 5)
             if ymin <= m * 10 ** e <= ymax]
    span = max(ratios) - min(ratios)
    return {"xmin": min(batches) / 1.5, "xmax": max(batches) * 1.5,
            "ylog": float(ylog), "ymin": ymin, "ymax": ymax,
            "yticks": "(" + ", ".join(f"{t:g}" for t in ticks) + ")",
            "rmin": max(0.0, min(ratios) - 0.1 * span), "rmax": max(ratios) + 0.1 * span}


def plot_title(name, rows, call):
    """Two lines: the operation in words; timing mode, sweep and repetitions."""
    timing, _, mode = name.partition("-")
    reps = sorted({int(r["calls"]) // int(r["batch"]) for r in rows if r["call"] == call})
    what = UNITS.get(timing, (f"{timing} timing",))[0]
    return (f"elk: {OPERATIONS.get(call, call)}\n{what}, {mode} sweep, "
            f"median of {'/'.join(map(str, reps))} repetitions a point, bars p10-p90"
            f"{' (min-max below 10 repetitions)' if min(reps, default=10) < 10 else ''}")


def plot(csv_path, plots_dir):
    """Draw PNG and SVG plots for csv_path with gnuplot: every call of the sweep's,
    or the scaling sweep's one."""
    if subprocess.call(["bash", os.path.join(elkrun.TOOLS, "setup-deps.sh"), "plots"]) != 0:
        sys.exit("bench: gnuplot is needed for the plots")
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    name = os.path.splitext(os.path.basename(csv_path))[0]
    _, ylabel, divisor = UNITS.get(name.partition("-")[0], (None, "guest TSC cycles", 1))
    os.makedirs(plots_dir, exist_ok=True)
    if rows and "procs" in rows[0]:
        plot_scaling(rows, name, plots_dir)
        return
    if rows and "ws_ratio" in rows[0]:
        plot_paging(rows, name, plots_dir)
        return
    calls = list(dict.fromkeys(r["call"] for r in rows))
    with tempfile.TemporaryDirectory() as tmp:
        for call in calls:
            data = os.path.join(tmp, call + ".dat")
            table = plot_table(rows, call, divisor)
            with open(data, "w") as f:
                f.write(table)
            settings = dict(datafile=data, title=plot_title(name, rows, call), ylabel=ylabel)
            assigns = "; ".join(f"{k}={gnuplot_value(v)}" for k, v in
                                list(settings.items()) + list(plot_ranges(table).items()))
            for term, ext in (("pngcairo size 960,600", "png"), ("svg size 960,600", "svg")):
                out = os.path.join(plots_dir, f"{name}-{call}.{ext}")
                subprocess.run(["gnuplot", "-e", f"{assigns}; term='{term}'; "
                                f"out={gnuplot_value(out)}", PLOT_SCRIPT], check=True)
    print(f"bench: plots in {plots_dir}/{name}-*.png and .svg")


def gnuplot_value(v):
    """V as a gnuplot constant: a number, or a double-quoted string."""
    if isinstance(v, float):
        return repr(v)
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def redraw(pairs):
    """Redraw the plots of every CSV in each (results, plots) directory pair that exists."""
    drew = False
    for results, plots in pairs:
        if not os.path.isdir(results):
            continue
        for f in sorted(f for f in os.listdir(results) if f.endswith(".csv")):
            plot(os.path.join(results, f), plots)
            drew = True
    if not drew:
        sys.exit("bench: no CSV to plot; run make bench first")


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
    p.add_argument("--reference", action="store_true",
                   help=f"write the committed reference run, {REFERENCE[0]} and "
                        f"{REFERENCE[1]}, instead of {OWN[0]}")
    p.add_argument("--out", help=f"CSV directory (default {OWN[0]})")
    p.add_argument("--plots", help=f"plot directory (default {OWN[1]})")
    p.add_argument("--no-plots", action="store_true", help="write the CSV only")
    p.add_argument("--plots-only", action="store_true",
                   help=f"redraw the plots of {REFERENCE[0]} and {OWN[0]} from their CSV")
    p.add_argument("--scale", action="store_true", help="run the scaling sweep instead")
    p.add_argument("--calls", type=int, default=200000,
                   help="null calls per process and path in the scaling sweep")
    p.add_argument("--paging", action="store_true", help="run the paging sweep instead")
    p.add_argument("--passes", type=int, default=2,
                   help="timed passes over the working set in the paging sweep")
    args = p.parse_args()

    if args.plots_only:
        redraw([(args.out, args.plots)] if args.out else [REFERENCE, OWN])
        return
    if not (args.kernel and args.initrd):
        p.error("need --kernel and --initrd (or --plots-only)")
    if args.runs < 1:
        p.error("--runs must be at least 1")
    results, plots = REFERENCE if args.reference else OWN
    results, plots = args.out or results, args.plots or plots
    for wanted, base, run, header in ((args.scale, "scaling", run_scale, SCALE_HEADER),
                                      (args.paging, "paging", run_paging, PAGING_HEADER)):
        if wanted:
            csv_path = os.path.join(results, base + ".csv")
            write_csv(csv_path, run(args), header)
            if not args.no_plots:
                plot(csv_path, plots)
            return
    name = f"{args.timing}-{args.mode}"
    csv_path = os.path.join(results, name + ".csv")
    write_csv(csv_path, fastest_sweep(args, name))
    if not args.no_plots:
        plot(csv_path, plots)
    if not args.reference and not args.out:
        print(f"bench: the reference run in {REFERENCE[0]} is unchanged; "
              f"make bench REFERENCE=1 replaces it")


if __name__ == "__main__":
    main()
