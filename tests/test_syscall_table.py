#!/usr/bin/env python3
"""Host test of tools/syscalltable.py: docs/syscalls.md's table is what
inc/syscall.def makes; and, on copies, a call added to the list gets a row of its
own in number order with its arguments, while every other row keeps its notes."""

import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOL = os.path.join(ROOT, "tools", "syscalltable.py")
sys.dont_write_bytecode = True
import checks  # noqa: E402


def run(*args):
    """tools/syscalltable.py ARGS: (exit status, stderr)."""
    p = subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True)
    return p.returncode, p.stderr


def main():
    check = checks.Checks("test_syscall_table")

    deffile = os.path.join(ROOT, "inc", "syscall.def")
    doc = os.path.join(ROOT, "docs", "syscalls.md")
    status, err = run("--check", "--def", deffile, "--doc", doc)
    check(status == 0, f"docs/syscalls.md's table is what inc/syscall.def makes ({err.strip()})")

    with tempfile.TemporaryDirectory() as tmp:
        tdef, tdoc = os.path.join(tmp, "syscall.def"), os.path.join(tmp, "syscalls.md")
        shutil.copy(doc, tdoc)
        with open(deffile) as f:
            text = f.read()
        text = text.replace("SYSCALL1(3,", "SYSCALL2(3,   fakecall,        int, const char *, path,\n"
                            "\t struct stat *, st)\nSYSCALL1(3,", 1)
        with open(tdef, "w") as f:
            f.write(text)
        status, _ = run("--check", "--def", tdef, "--doc", tdoc)
        check(status == 1, "--check refuses a table without the new call's row")
        status, err = run("--def", tdef, "--doc", tdoc)
        check(status == 0, f"the table is rewritten ({err.strip()})")
        with open(doc) as f:
            before = f.read().split("\n")
        with open(tdoc) as f:
            after = f.read().split("\n")
        added = [line for line in after if line not in before]
        check(added == ["| 3 | `fakecall` | path, st | |"], f"one row for the new call ({added})")
        check([line for line in before if line not in after] == [],
              "every other row is kept as it was")
        row_of = {line.split(" | ")[0]: i for i, line in enumerate(after) if line.startswith("| ")}
        check(added and row_of["| 2"] < after.index(added[0]) < row_of["| 3"],
              "the new row comes where its line is in the list (between open and close)")
        status, _ = run("--check", "--def", tdef, "--doc", tdoc)
        check(status == 0, "--check accepts the rewritten table")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
