#!/usr/bin/env python3
"""Host test of make iso's ISO_INIT: a value with shell and GRUB metacharacters
must build an image (in a temporary directory, not obj/elk.iso) whose init gets
exactly those words, and a changed value must rebuild the image while the same
value must not. GRUB's multiboot2 puts a backslash before a quote, so init sees
it's as it\\'s."""

import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.dont_write_bytecode = True
import elkrun  # noqa: E402

INIT = "args a&b |c; it's"
WANT = ["argv[0]=args", "argv[1]=a&b", "argv[2]=|c;", "argv[3]=it\\'s", "args: ok"]
# A sub-make must not try to use the jobserver of the make test that started us.
ENV = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def make_iso(iso, init):
    """Run make iso for ISO with ISO_INIT=INIT; (exit status, whether it rebuilt, output)."""
    run = subprocess.run(["make", "-C", ROOT, "iso", f"ISO={iso}", f"ISO_INIT={init}"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV)
    print(run.stdout)
    return run.returncode, f"+ iso {iso}" in run.stdout


def main():
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        iso = os.path.join(tmp, "elk.iso")
        status, built = make_iso(iso, INIT)
        if status != 0 or not built:
            print(f"FAIL make iso ISO_INIT={INIT!r}: status {status}")
            return 1
        argv = elkrun.qemu_argv(iso=iso, accel=os.environ.get("ELK_QEMU_ACCEL", elkrun.ACCEL))
        outcome = elkrun.run(argv, lambda chunk: None, stdin=subprocess.DEVNULL, timeout=60)
        lines = outcome.output.replace("\r", "").split("\n")
        print(outcome.output)
        failures += [f"no line {w!r} from the image's init" for w in WANT if w not in lines]
        if outcome.status != 0:
            failures.append(f"booting the image gave status {outcome.status}: {outcome.reason}")
        if make_iso(iso, INIT) != (0, False):
            failures.append("make iso rebuilt the image for the same ISO_INIT")
        if make_iso(iso, INIT + " x") != (0, True):
            failures.append("make iso did not rebuild the image for a new ISO_INIT")
    for f in failures:
        print(f"FAIL {f}")
    print(f"test_iso_init: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
