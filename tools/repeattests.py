#!/usr/bin/env python3
"""Run the test suite many times in a row to find the cases that fail only now and then.

    tools/repeattests.py [--runs N] [--load] [--out DIR] [--logdir L] -- COMMAND...

COMMAND (the tools/runtests.py command line that make test uses) runs N times,
one run after the other. After each run one line says how it went:

    run 3/30: 66 passed, 1 failed (52 s, load 4.1): FAIL machine-check

Each run's full report goes to DIR/run-K.txt, and the logs of the cases that
failed in it are copied from L (runtests' log directory) to DIR/run-K/. The last
lines count the failures of each case over all runs, then

    30 runs: 29 passed, 1 failed

and the exit status is 1 if any run failed. With --load, one CPU-bound process
(`yes` writing to /dev/null) per host CPU runs beside the suite and is stopped
at the end, so that the guests get less CPU time than on an idle machine.
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import time

FAIL_LINE = re.compile(r"^FAIL (\S+?):", re.MULTILINE)
SUMMARY = re.compile(r"^\d+ passed, \d+ failed.*$", re.MULTILINE)


def start_load():
    """One busy `yes` per host CPU, its output thrown away; returns the processes."""
    return [subprocess.Popen(["yes"], stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            for _ in range(os.cpu_count() or 1)]


def stop_load(procs):
    """End the processes start_load started."""
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait()


def one_run(k, opts):
    """Run the suite once as run K; (the names of the cases that failed, its summary line)."""
    start = time.monotonic()
    proc = subprocess.run(opts.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = time.monotonic() - start
    with open(os.path.join(opts.out, f"run-{k}.txt"), "w", encoding="utf-8") as f:
        f.write(proc.stdout)
    failed = FAIL_LINE.findall(proc.stdout)
    summary = SUMMARY.findall(proc.stdout)
    summary = summary[-1] if summary else f"no summary line (exit status {proc.returncode})"
    if proc.returncode != 0 and not failed:
        failed = ["(the suite itself)"]
    keep_logs(k, [n for n in failed if not n.startswith("(")], opts)
    line = f"run {k}/{opts.runs}: {summary} ({seconds:.0f} s, load {os.getloadavg()[0]:.1f})"
    print(line + (": FAIL " + " ".join(failed) if failed else ""), flush=True)
    return failed


def keep_logs(k, names, opts):
    """Copy the logs of the failed cases NAMES to OUT/run-K/, where later runs leave them."""
    for name in names:
        src = os.path.join(opts.logdir, name + ".log")
        if os.path.exists(src):
            dst = os.path.join(opts.out, f"run-{k}", name + ".log")
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)


def parse_args(argv):
    """The command line: options, then -- and the suite's command."""
    p = argparse.ArgumentParser(description="Run the test suite N times in a row.")
    p.add_argument("--runs", type=int, default=30, help="how many runs (default 30)")
    p.add_argument("--load", action="store_true",
                   help="run one busy `yes` per host CPU beside the suite")
    p.add_argument("--out", default="obj/test-repeat",
                   help="where run reports and failed logs go (default obj/test-repeat)")
    p.add_argument("--logdir", default="obj/test-logs",
                   help="the suite's log directory (default obj/test-logs)")
    p.add_argument("command", nargs="+", help="the suite's command line")
    opts = p.parse_args(argv)
    if opts.runs < 1:
        p.error("--runs must be at least 1")
    return opts


def main(argv):
    """Run the suite opts.runs times; 0 if every run passed."""
    opts = parse_args(argv)
    shutil.rmtree(opts.out, ignore_errors=True)
    os.makedirs(opts.out)
    load = start_load() if opts.load else []
    if load:
        print(f"repeattests: {len(load)} busy `yes` processes run beside the suite", flush=True)
    failures = collections.Counter()
    bad_runs = 0
    try:
        for k in range(1, opts.runs + 1):
            failed = one_run(k, opts)
            failures.update(failed)
            bad_runs += bool(failed)
    finally:
        stop_load(load)
    for name, n in failures.most_common():
        print(f"{name}: failed in {n} of {opts.runs} runs")
    print(f"{opts.runs} runs: {opts.runs - bad_runs} passed, {bad_runs} failed"
          + (f" (reports and failed logs in {opts.out})" if bad_runs else ""))
    return 1 if bad_runs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
