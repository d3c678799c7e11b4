#!/usr/bin/env python3
"""Host test of the programs in user/linux/ and user/pthreads/: each is an
ordinary static Linux program, so what it checks must hold on the host's own
Linux kernel too. Run
each one built (obj/bin/NAME) on the host and demand its "NAME: ok" line and
exit status 0: then the expectations the QEMU cases check on elk are Linux's.
The host must be x86-64 Linux, as the build machine is. A program whose case
in tests/cases.py types on the console (`type` steps) runs on a pseudo-terminal
instead, with the same text typed after the same prompts: Linux's own line
discipline must then answer as elk's does."""

import glob
import os
import re
import select
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import cases  # noqa: E402

TIMEOUT = 60


def typed_steps(name):
    """The `type` steps of the case that runs NAME (as init, or as the program
    init runs: its last word), or []."""
    for case in cases.CASES:
        if case.get("init", "").split()[-1:] == [name] and case.get("type"):
            return case["type"]
    return []


def run_on_pty(binary, steps):
    """Run BINARY with a pseudo-terminal as stdin, stdout and stderr, typing each
    step's text once the output shows its regex; (status, output)."""
    master, slave = os.openpty()
    proc = subprocess.Popen([binary], stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    output, pos, deadline = "", 0, time.monotonic() + TIMEOUT
    steps = list(steps)
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:		# EIO: the program has gone, and the pty with it
                break
            if not data:
                break
            output += data.decode("utf-8", errors="replace").replace("\r", "")
        while steps:
            m = re.compile(steps[0][0], re.MULTILINE).search(output, pos)
            if not m:
                break
            pos = m.end()
            os.write(master, steps.pop(0)[1].encode())
    os.close(master)
    try:
        status = proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        status = proc.wait()
    return status, output


def main():
    # user/pthreads/ programs too, in their musl-pthreads build (NAME; NAME.flexsc
    # needs elk's syscall pages).
    names = [os.path.basename(p)[:-2] for d in ("user/linux", "user/pthreads")
             for p in glob.glob(os.path.join(ROOT, d, "*.c"))]
    failures = 0
    for name in sorted(names):
        binary = os.path.join(ROOT, "obj/bin", name)
        if not os.access(binary, os.X_OK):
            print(f"FAIL {name}: {binary} is not built (make builds it)")
            failures += 1
            continue
        steps = typed_steps(name)
        if steps:
            status, output = run_on_pty(binary, steps)
        else:
            run = subprocess.run([binary], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, timeout=TIMEOUT)
            status, output = run.returncode, run.stdout
        print(output, end="")
        if status != 0 or f"{name}: ok" not in output.splitlines():
            print(f"FAIL {name} on the host: status {status}")
            failures += 1
    print(f"{len(names)} programs run on the host, {failures} failed")
    return 1 if failures or not names else 0


if __name__ == "__main__":
    sys.exit(main())
