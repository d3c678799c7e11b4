#!/usr/bin/env python3
"""Write the ISO's grub.cfg: the template with @INIT@ replaced by init's words.

    tools/mkgrubcfg.py TEMPLATE INIT_FILE > grub.cfg

INIT_FILE holds "NAME ARGS..." on one line (GNUmakefile's ISO_INIT). It becomes
the GRUB words 'init=NAME' 'ARG' ..., each single-quoted so that nothing in it
(&, ;, |, $) means anything to GRUB; a single quote is written '\\'' (close the
quotes, an escaped quote, open them again). GRUB's multiboot2 joins the words
with spaces into the kernel command line; it would quote a word holding a space
itself, which is why the words go separately. It does put a backslash before
each quote and backslash, so those reach init as two characters.
"""

import sys


def grub_word(text):
    """TEXT as one single-quoted GRUB word."""
    return "'" + text.replace("'", "'\\''") + "'"


def main(argv):
    """Print the filled-in template; 1 with a message on a usage or input error."""
    if len(argv) != 2:
        print("usage: mkgrubcfg.py TEMPLATE INIT_FILE", file=sys.stderr)
        return 1
    try:
        with open(argv[0]) as f:
            template = f.read()
        with open(argv[1]) as f:
            words = f.read().split()
    except OSError as e:
        print(f"mkgrubcfg: {e}", file=sys.stderr)
        return 1
    if not words:
        print(f"mkgrubcfg: {argv[1]} names no init program", file=sys.stderr)
        return 1
    words[0] = "init=" + words[0]
    sys.stdout.write(template.replace("@INIT@", " ".join(grub_word(w) for w in words)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
