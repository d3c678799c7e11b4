#!/usr/bin/env python3
"""Pack files into elk's initial ramdisk, the archive described in inc/initrd.h.

    tools/mkinitrd.py -o OUT FILE...

Each file is stored under its basename, its data starting at a multiple of 4096
bytes so the kernel can map its pages in place; the archive is padded to a whole
page for the same reason.
"""

import argparse
import os
import struct
import sys

MAGIC = b"ELKRD01\0"
NAMELEN = 48
ALIGN = 4096
HEADER = struct.Struct("<8sII")     # magic, nfiles, reserved
ENTRY = struct.Struct("<48sQQ")     # name, offset, size


def align(n):
    """N rounded up to a multiple of ALIGN."""
    return (n + ALIGN - 1) // ALIGN * ALIGN


def entry_name(path):
    """PATH's basename as stored, or ValueError if it cannot fit with its NUL."""
    name = os.path.basename(path).encode("utf-8")
    if not name or len(name) > NAMELEN - 1:
        raise ValueError(f"{path}: name must be 1 to {NAMELEN - 1} bytes long")
    return name


def build(paths):
    """The archive holding PATHS, as bytes; ValueError on a bad or repeated name."""
    names = [entry_name(p) for p in paths]
    seen = set()
    for path, name in zip(paths, names):
        if name in seen:
            raise ValueError(f"{path}: a file named {name.decode()} is already in the archive")
        seen.add(name)
    table = bytearray(HEADER.pack(MAGIC, len(paths), 0))
    data = bytearray()
    offset = align(HEADER.size + ENTRY.size * len(paths))
    for path, name in zip(paths, names):
        with open(path, "rb") as f:
            body = f.read()
        table += ENTRY.pack(name, offset, len(body))
        data += body + bytes(align(len(body)) - len(body))
        offset += align(len(body))
    return bytes(table) + bytes(align(len(table)) - len(table)) + bytes(data)


def write_atomically(path, blob):
    """Replace PATH with BLOB so that a failed run never leaves half an archive."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    os.replace(tmp, path)


def main(argv):
    """Write the archive; 1 with a message if a file is unreadable or badly named."""
    p = argparse.ArgumentParser(description="Build elk's initial ramdisk.")
    p.add_argument("-o", dest="out", required=True, help="archive to write")
    p.add_argument("files", nargs="+", metavar="FILE")
    args = p.parse_args(argv)
    try:
        write_atomically(args.out, build(args.files))
    except (OSError, ValueError) as e:
        print(f"mkinitrd: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
