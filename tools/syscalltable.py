#!/usr/bin/env python3
"""Write docs/syscalls.md's table of implemented calls from inc/syscall.def.

    tools/syscalltable.py [--check] [--def inc/syscall.def] [--doc docs/syscalls.md]

The table (the rows after "### Implemented calls") gets one row per call of
inc/syscall.def, in its order: number, name and argument names from the list,
the notes column kept from the row the document already has for that name (a
new call's notes start empty, to be written by hand). With --check nothing is
written: the exit status is 1, with a message, if the table is not what the
list makes, as `make test` checks.
"""

import argparse
import re
import sys

ENTRY = re.compile(r"^SYSCALL\w*\(([^)]*)\)", re.MULTILINE)
HEADING = "### Implemented calls"
HEADER_ROWS = ["| number | name | arguments | notes |", "|---|---|---|---|"]


def calls(def_text):
    """[(number, name, [argument names])] of the SYSCALL lines of DEF_TEXT."""
    text = re.sub(r"/\*.*?\*/", "", def_text, flags=re.DOTALL)
    found = []
    for match in ENTRY.finditer(text):
        fields = [f.strip() for f in match.group(1).split(",")]
        if len(fields) < 3 or (len(fields) - 3) % 2:
            raise ValueError(f"inc/syscall.def: cannot read {match.group(0)!r}")
        found.append((int(fields[0]), fields[1], fields[4::2]))
    return found


def table_span(lines):
    """(first, end): the indexes of the table's body rows in LINES."""
    start = lines.index(HEADING)
    first = start + 1
    while not lines[first].startswith("|"):
        first += 1
    if lines[first:first + 2] != HEADER_ROWS:
        raise ValueError(f"the table after '{HEADING}' does not start with {HEADER_ROWS}")
    first += 2
    end = first
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return first, end


def cells(row):
    """The four cells of a table row; the last (notes) may hold anything."""
    return [c.strip() for c in row.strip()[1:-1].split("|", 3)]


def old_notes(rows):
    """{name: notes} from the table's rows (a row may name several calls)."""
    notes = {}
    for row in rows:
        _, names, _, text = cells(row)
        for name in re.findall(r"`(\w+)`", names):
            notes.setdefault(name, text)
    return notes


def new_rows(entries, notes):
    """The table's body rows for ENTRIES, with NOTES by name."""
    return ["|" + "|".join(f" {c} " if c else " " for c in
                           (str(num), f"`{name}`", ", ".join(args), notes.get(name, ""))) + "|"
            for num, name, args in entries]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--check", action="store_true", help="only say whether the table is current")
    p.add_argument("--def", dest="deffile", default="inc/syscall.def")
    p.add_argument("--doc", default="docs/syscalls.md")
    args = p.parse_args(argv)
    try:
        with open(args.deffile) as f:
            entries = calls(f.read())
        with open(args.doc) as f:
            lines = f.read().split("\n")
        first, end = table_span(lines)
    except (OSError, ValueError) as e:
        print(f"syscalltable: {e}", file=sys.stderr)
        return 1
    rows = new_rows(entries, old_notes(lines[first:end]))
    if lines[first:end] == rows:
        return 0
    if args.check:
        print(f"syscalltable: the table in {args.doc} is not what {args.deffile} makes; "
              "run tools/syscalltable.py and write the notes of new calls", file=sys.stderr)
        return 1
    with open(args.doc, "w") as f:
        f.write("\n".join(lines[:first] + rows + lines[end:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
