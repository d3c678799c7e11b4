#!/usr/bin/env python3
"""Run elk's test suite: QEMU boots described in tests/cases.py, and host unit tests.

    tools/runtests.py --kernel K --initrd I [--iso ISO] [--accel A] [--host BIN... --]
                      [FILTER...]
    tools/runtests.py --host BIN... [-- FILTER...]      (host unit tests only)

A case runs if its name starts with any FILTER (all run when none is given). Cases
run in parallel; each prints `PASS name (1.3s)` or `FAIL name: reason` as it ends,
its full output goes to obj/test-logs/NAME.log, and the last line is
`N passed, M failed` (plus `, K skipped` when ISO cases are left out for want of
--iso). The exit status is 1 if anything failed.

A case in tests/cases.py is a dict:
    name     str, required
    init     str "prog arg ...", required unless iso: the kernel gets init=prog arg ...
             (split as a shell would: 'a b' is one argument)
    options  str of kernel options put before init= (e.g. "selftest")
    input    str typed on the serial console at once (then input ends)
    type     list of [regex, text]: once the output (from the previous step's match
             on, partial lines too) matches regex, type text on the serial console;
             input ends after the last step. Not with input
    expect   list of regexes (re.MULTILINE) that must match in this order
    forbid   list of regexes that must not match anywhere
    status   expected elkrun status (default 0)
    timeout  seconds (default 60)
    smp      CPUs (default 1), or QEMU's -smp value such as "4,sockets=4";
             mem: guest memory (default "256M")
    swap     size of a fresh swap disk to attach ("64M"; default "": no disk)
    iso      boot the GRUB image instead; init then comes from its grub.cfg
    allow_panic  drop the global forbid of a kernel panic line
    monitor  list of [regex, command]: once the output's whole lines match regex
             (each after the previous one's match), type command on QEMU's monitor; if QEMU
             closes the monitor after the command (it ended the run), the output
             and status decide as for any case
"""

import argparse
import concurrent.futures
import contextlib
import os
import re
import runpy
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from typing import NamedTuple

# Importing elkrun would otherwise leave tools/__pycache__ in the source tree.
sys.dont_write_bytecode = True
import elkrun  # noqa: E402

ROOT = os.path.dirname(elkrun.TOOLS)
CASES_FILE = os.path.join(ROOT, "tests", "cases.py")
GLOBAL_FORBID = r"^elk: kernel panic"
HOST_TIMEOUT = 300
TAIL_LINES = 15
MONITOR_TIMEOUT = 10    # seconds to reach QEMU's monitor and see a command done
MONITOR_PROMPT = b"(qemu) "

# Key -> (tuple of accepted types, default); a key missing from here is a mistake in the case.
CASE_KEYS = {
    "name": ((str,), None),
    "init": ((str,), None),
    "options": ((str,), ""),
    "input": ((str,), None),
    "type": ((list,), []),
    "expect": ((list,), []),
    "forbid": ((list,), []),
    "status": ((int,), 0),
    "timeout": ((int, float), 60),
    "smp": ((int, str), 1),
    "mem": ((str,), "256M"),
    "swap": ((str,), ""),
    "iso": ((bool,), False),
    "allow_panic": ((bool,), False),
    "monitor": ((list,), []),
}


class Result(NamedTuple):
    name: str
    reasons: list   # empty when the case passed
    output: str     # with carriage returns removed
    seconds: float


class Malformed(Exception):
    """tests/cases.py cannot be used as it stands."""


def check_case(i, case):
    """CASE (the I-th) with defaults filled in, or Malformed saying what is wrong."""
    if not isinstance(case, dict):
        raise Malformed(f"case #{i} is a {type(case).__name__}, not a dict")
    label = f"case {case.get('name', '#' + str(i))!r}"
    unknown = set(case) - set(CASE_KEYS)
    if unknown:
        raise Malformed(f"{label}: unknown key(s) {', '.join(sorted(unknown))}")
    full = {key: default for key, (_, default) in CASE_KEYS.items()}
    full.update(case)
    for key, (types, _) in CASE_KEYS.items():
        if full[key] is not None and not isinstance(full[key], types):
            wanted = " or ".join(t.__name__ for t in types)
            raise Malformed(f"{label}: {key} should be {wanted}, not {full[key]!r}")
    # The name becomes a path under the log directory: keep it there.
    if not full["name"] or full["name"].startswith("/") or ".." in full["name"]:
        raise Malformed(f"case #{i} needs a name, relative and without '..'")
    if full["iso"] and full["init"]:
        raise Malformed(f"{label}: an iso case takes init from grub.cfg; drop init")
    if not (full["iso"] or full["init"] or full["options"]):
        raise Malformed(f"{label}: needs init (or options, or iso=True)")
    for step in full["monitor"]:
        if (not isinstance(step, (list, tuple)) or len(step) != 2
                or not all(isinstance(x, str) for x in step)):
            raise Malformed(f"{label}: a monitor step is [regex, command], not {step!r}")
    for step in full["type"]:
        if (not isinstance(step, (list, tuple)) or len(step) != 2
                or not all(isinstance(x, str) for x in step)):
            raise Malformed(f"{label}: a type step is [regex, text], not {step!r}")
    if full["swap"]:
        try:
            elkrun.disk_bytes(full["swap"])
        except ValueError as e:
            raise Malformed(f"{label}: {e}") from None
    if full["type"] and full["input"] is not None:
        raise Malformed(f"{label}: input and type do not go together")
    regexes = [(key, rx) for key in ("expect", "forbid") for rx in full[key]]
    regexes += [("monitor", rx) for rx, _ in full["monitor"]]
    regexes += [("type", rx) for rx, _ in full["type"]]
    for key, rx in regexes:
        try:
            re.compile(rx, re.MULTILINE)
        except (TypeError, re.error) as e:
            raise Malformed(f"{label}: bad {key} regex {rx!r}: {e}") from None
    return full


def load_cases(path):
    """The checked cases of the CASES list in PATH, or Malformed."""
    if not os.path.exists(path):
        raise Malformed(f"{path} is missing: it must define CASES, a list of dicts")
    try:
        cases = runpy.run_path(path).get("CASES")
    except Exception as e:
        raise Malformed(f"{path} failed to load: {type(e).__name__}: {e}") from None
    if not isinstance(cases, list):
        raise Malformed(f"{path} must define CASES as a list of dicts")
    checked = [check_case(i, c) for i, c in enumerate(cases)]
    names = [c["name"] for c in checked]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise Malformed(f"{path}: duplicate case name(s) {', '.join(dups)}")
    return checked


def judge(case, outcome, text):
    """Why CASE failed given its elkrun OUTCOME and cleaned output TEXT ([] if it passed)."""
    reasons = []
    forbid = list(case["forbid"])
    if not case["allow_panic"]:
        forbid.append(GLOBAL_FORBID)
    for rx in forbid:
        m = re.search(rx, text, re.MULTILINE)
        if m:
            reasons.append(f"forbidden /{rx}/ found: {first_line(text, m)!r}")
    if outcome.status != case["status"]:
        reasons.append(f"status {outcome.status}, expected {case['status']} ({outcome.reason})")
    pos = 0
    for rx in case["expect"]:
        m = re.compile(rx, re.MULTILINE).search(text, pos)
        if not m:
            reasons.append(f"missing /{rx}/" + (" after the earlier matches" if pos else ""))
            break
        pos = m.end()
    return reasons


def first_line(text, match):
    """The whole line of TEXT on which MATCH starts."""
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.start())
    return text[start:] if end < 0 else text[start:end]


def run_case(case, opts):
    """Boot one QEMU case and judge it."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="elk-monitor-") as tmp, \
            elkrun.swap_image(case["swap"]) as swap:
        monitor = Monitor(os.path.join(tmp, "monitor.sock"), case["monitor"])
        typist = Typist(case["type"])
        argv = elkrun.qemu_argv(opts.qemu, opts.kernel, opts.initrd,
                                opts.iso if case["iso"] else None,
                                shlex.split(case["init"]) if case["init"] else (),
                                case["mem"], case["smp"], options=case["options"].split(),
                                accel=opts.accel, monitor=monitor.device, swap=swap)
        def sink(chunk):
            monitor.sink(chunk)
            typist.sink(chunk)

        with serial_input(case["input"], bool(case["type"])) as stdin:
            outcome = elkrun.run(argv, sink, stdin=stdin, stderr=subprocess.STDOUT,
                                 timeout=case["timeout"], started=typist.start)
    text = outcome.output.replace("\r", "")
    log = (f"{text}\n--- runtests: {shlex.join(argv)}\n"
           + "".join(f"--- runtests: {note}\n" for note in monitor.notes)
           + f"--- elkrun status {outcome.status}: {outcome.reason}\n")
    write_log(opts.logdir, case["name"], log)
    return Result(case["name"], monitor.errors + judge(case, outcome, text), text,
                  time.monotonic() - start)


class Monitor:
    """QEMU's monitor on a socket at PATH, typed STEPS ([regex, command]) as the
    output shows each regex; errors lists what went wrong, for the case's reasons,
    and notes what the log should say about the commands."""

    def __init__(self, path, steps):
        self.path, self.steps, self.errors, self.notes = path, list(steps), [], []
        self.device = f"unix:{path},server=on,wait=off" if steps else "none"
        self.text, self.pos = "", 0

    def sink(self, chunk):
        """Take more output; send every command whose regex its whole lines now
        show (a line still being written may end otherwise than it seems to)."""
        self.text += chunk.decode("utf-8", errors="replace").replace("\r", "")
        whole = self.text.rfind("\n") + 1
        while self.steps and not self.errors:
            m = re.compile(self.steps[0][0], re.MULTILINE).search(self.text, self.pos, whole)
            if not m:
                return
            self.pos = m.end()
            command = self.steps.pop(0)[1]
            try:
                if not monitor_command(self.path, command):
                    # Its effect may end the run (a machine check that panics the
                    # kernel): what the output shows next is the verdict.
                    self.notes.append(f"monitor command {command!r} was written; QEMU "
                                      "closed the monitor before its next prompt")
            except OSError as e:
                self.errors.append(f"monitor command {command!r} failed: {e}")


def monitor_command(path, command):
    """Type COMMAND on the QEMU monitor listening at PATH and wait for its prompt:
    True once the prompt is back, False if QEMU closed the connection after COMMAND
    was written (QEMU exited, maybe because of it). OSError if COMMAND could not be
    written or nothing came back in time."""
    deadline = time.monotonic() + MONITOR_TIMEOUT
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(MONITOR_TIMEOUT)
        s.connect(path)
        s.sendall(command.encode() + b"\n")
        seen = b""
        # The banner's prompt, then the one after the command has run.
        while seen.count(MONITOR_PROMPT) < 2:
            if time.monotonic() > deadline:
                raise OSError(f"no prompt after {MONITOR_TIMEOUT} s")
            try:
                data = s.recv(4096)
            except ConnectionResetError:
                return False
            if not data:
                return False
            seen += data
    return True


class Typist:
    """Types STEPS ([regex, text]) on QEMU's serial input (its stdin, a pipe) as
    the output shows each regex, as someone at the console would after a prompt;
    closes the input after the last one."""

    def __init__(self, steps):
        self.steps, self.pipe, self.text, self.pos = list(steps), None, "", 0

    def start(self, proc):
        """QEMU has started as PROC: type into its stdin from now on."""
        self.pipe = proc.stdin if self.steps else None

    def sink(self, chunk):
        if self.pipe is None:
            return
        self.text += chunk.decode("utf-8", errors="replace").replace("\r", "")
        while self.steps:
            m = re.compile(self.steps[0][0], re.MULTILINE).search(self.text, self.pos)
            if not m:
                return
            self.pos = m.end()
            try:
                self.pipe.write(self.steps.pop(0)[1].encode())
                self.pipe.flush()
                if not self.steps:
                    self.pipe.close()
            except OSError:
                self.steps = []	# QEMU has gone; its output tells what happened
        self.pipe = None


@contextlib.contextmanager
def serial_input(text, typed=False):
    """What QEMU's serial port reads: a file holding TEXT, a pipe the Typist
    writes to when TYPED, else nothing."""
    if typed:
        yield subprocess.PIPE
        return
    if text is None:
        yield subprocess.DEVNULL
        return
    with tempfile.TemporaryFile() as f:
        f.write(text.encode())
        f.seek(0)
        yield f


def run_host(binary, opts):
    """Run one host unit-test binary; it passes iff it exits 0. One that boots QEMU
    finds the accelerator to use in ELK_QEMU_ACCEL."""
    name = "host/" + os.path.basename(binary)
    start = time.monotonic()
    env = dict(os.environ, ELK_QEMU_ACCEL=opts.accel)
    try:
        proc = subprocess.run([binary], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=HOST_TIMEOUT, env=env)
        output = proc.stdout.decode("utf-8", errors="replace")
        reasons = [] if proc.returncode == 0 else [f"exit status {proc.returncode}"]
    except subprocess.TimeoutExpired as e:
        output = (e.stdout or b"").decode("utf-8", errors="replace")
        reasons = [f"timed out after {HOST_TIMEOUT} s"]
    except OSError as e:
        output, reasons = "", [f"cannot run {binary}: {e.strerror}"]
    write_log(opts.logdir, name, output)
    return Result(name, reasons, output, time.monotonic() - start)


def write_log(logdir, name, text):
    """Save TEXT as LOGDIR/NAME.log, making directories for names with slashes."""
    path = os.path.join(logdir, name + ".log")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def report(result):
    """One line for RESULT; a failure also shows the tail of the output, indented."""
    if not result.reasons:
        return f"PASS {result.name} ({result.seconds:.1f}s)"
    tail = result.output.rstrip("\n").split("\n")[-TAIL_LINES:]
    if not result.output:
        tail = ["(no output)"]
    return "\n".join([f"FAIL {result.name}: {'; '.join(result.reasons)}"] +
                     ["    " + line for line in tail])


def selected(name, filters):
    """True if NAME starts with one of FILTERS, or there are none."""
    return not filters or any(name.startswith(f) for f in filters)


def plan(opts):
    """The jobs to run as (name, function, argument), and how many ISO cases are skipped."""
    jobs = [("host/" + os.path.basename(b), run_host, b) for b in opts.host]
    skipped = 0
    if opts.kernel:
        for case in load_cases(CASES_FILE):
            if case["iso"] and not opts.iso:
                skipped += selected(case["name"], opts.filters)
            else:
                jobs.append((case["name"], run_case, case))
    return [j for j in jobs if selected(j[0], opts.filters)], skipped


def run_all(jobs, opts):
    """Run JOBS in parallel, printing each result as it ends; return (passed, failed)."""
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        futures = {pool.submit(fn, arg, opts): name for name, fn, arg in jobs}
        for fut in concurrent.futures.as_completed(futures):
            try:
                result = fut.result()
            except Exception as e:  # a broken job fails alone, not the whole suite
                result = Result(futures[fut], [f"runtests: {type(e).__name__}: {e}"], "", 0.0)
            print(report(result), flush=True)
            if result.reasons:
                failed += 1
            else:
                passed += 1
    return passed, failed


def parse_args(argv):
    """The command line; without --kernel only host tests run."""
    p = argparse.ArgumentParser(description="Run elk's QEMU and host tests.")
    p.add_argument("--kernel", help="kernel ELF; without it only --host tests run")
    p.add_argument("--initrd", help="initial ramdisk")
    p.add_argument("--iso", help="GRUB image for iso cases (skipped without it)")
    p.add_argument("--host", nargs="*", metavar="BIN",
                   help="host unit-test binaries; end the list with --")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                   help="cases run at once (default: number of CPUs)")
    p.add_argument("--qemu", default=elkrun.QEMU, help="QEMU binary")
    p.add_argument("--accel", default=elkrun.ACCEL,
                   help=f"QEMU -accel value (default {elkrun.ACCEL})")
    p.add_argument("--logdir", default=os.path.join(ROOT, "obj", "test-logs"),
                   help="where NAME.log files go (default obj/test-logs)")
    p.add_argument("filters", nargs="*", metavar="FILTER", help="name prefixes to run")
    opts = p.parse_args(argv)
    if opts.kernel and not opts.initrd:
        p.error("--kernel needs --initrd")
    if not opts.kernel and opts.host is None:
        p.error("nothing to run: give --kernel/--initrd, --host, or both")
    opts.host = opts.host or []
    for b in opts.host:
        if not os.path.isfile(b):
            p.error(f"host test binary {b} not found (end the --host list with --)")
    return opts


def give_up(message):
    """Report a problem that stops the suite before it starts, counted as one failure."""
    print(f"runtests: {message}", file=sys.stderr)
    print("0 passed, 1 failed")
    return 1


def main(argv):
    """Run the selected tests; 0 if all passed."""
    opts = parse_args(argv)
    try:
        jobs, skipped = plan(opts)
    except Malformed as e:
        return give_up(e)
    if opts.filters and not jobs and not skipped:
        return give_up(f"no test name starts with {' or '.join(opts.filters)}")
    if any(fn is run_case for _, fn, _ in jobs) and not elkrun.ensure_qemu(opts.qemu):
        return give_up(f"{opts.qemu} is not installed")
    passed, failed = run_all(jobs, opts)
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
