#!/usr/bin/env python3
"""Host test of the programs in user/linux/: each is an ordinary static Linux
program, so what it checks must hold on the host's own Linux kernel too. Run
each one built (obj/bin/NAME) on the host and demand its "NAME: ok" line and
exit status 0: then the expectations the QEMU cases check on elk are Linux's.
The host must be x86-64 Linux, as the build machine is."""

import glob
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    names = [os.path.basename(p)[:-2] for p in glob.glob(os.path.join(ROOT, "user/linux/*.c"))]
    failures = 0
    for name in sorted(names):
        binary = os.path.join(ROOT, "obj/bin", name)
        if not os.access(binary, os.X_OK):
            print(f"FAIL {name}: {binary} is not built (make builds it)")
            failures += 1
            continue
        run = subprocess.run([binary], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             timeout=60)
        print(run.stdout, end="")
        if run.returncode != 0 or f"{name}: ok" not in run.stdout.splitlines():
            print(f"FAIL {name} on the host: status {run.returncode}")
            failures += 1
    print(f"{len(names)} programs run on the host, {failures} failed")
    return 1 if failures or not names else 0


if __name__ == "__main__":
    sys.exit(main())
