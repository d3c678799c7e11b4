#!/usr/bin/env python3
"""Pack elk's initial ramdisk: a standard "newc" cpio archive (the format of
Linux's initramfs, as `cpio -o -H newc` writes it), which the kernel unpacks
into the tmpfs at "/".

    tools/mkinitrd.py -o OUT [--busybox-links] FILE...

The archive holds /bin, /etc, /tmp (sticky, writable by all) and /dev with
the device nodes console, tty, null and zero; each FILE goes into /bin under
its basename, mode 0755. With --busybox-links, every applet of the FILE
called busybox that no other FILE is named after becomes a symbolic link
/bin/APPLET -> busybox (the list is what `busybox --list` prints).
"""

import argparse
import os
import stat
import subprocess
import sys

TRAILER = "TRAILER!!!"

# (path, mode, major, minor): the devices kern/dev.c knows, with Linux's numbers.
DEVICES = [("dev/console", 0o620, 5, 1), ("dev/tty", 0o666, 5, 0),
           ("dev/null", 0o666, 1, 3), ("dev/zero", 0o666, 1, 5)]
DIRS = [("bin", 0o755), ("dev", 0o755), ("etc", 0o755), ("tmp", 0o1777)]


def pad4(n):
    """Zero bytes that bring N up to a multiple of 4."""
    return bytes((4 - n % 4) % 4)


class Archive:
    """A newc archive being written: entries in order, then the trailer."""

    def __init__(self, mtime):
        self.out = bytearray()
        self.ino = 0
        self.mtime = mtime

    def entry(self, name, mode, data=b"", rdev=(0, 0)):
        """Append one entry: NAME (no leading slash), MODE with its S_IF* type, DATA."""
        self.ino += 1
        namez = name.encode("utf-8") + b"\0"
        fields = [self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, self.mtime,
                  len(data), 0, 0, rdev[0], rdev[1], len(namez), 0]
        header = b"070701" + b"".join(b"%08x" % f for f in fields)
        self.out += header + namez
        self.out += pad4(len(header) + len(namez))
        self.out += data + pad4(len(data))

    def finish(self):
        """The archive's bytes, with the trailer."""
        self.ino = -1
        self.entry(TRAILER, 0)
        return bytes(self.out)


def applets(busybox):
    """The applet names BUSYBOX lists."""
    run = subprocess.run([busybox, "--list"], stdout=subprocess.PIPE, check=True, text=True)
    return [a for a in run.stdout.split() if a and "/" not in a]


def build(paths, busybox_links, mtime=0):
    """The archive holding PATHS in /bin, as bytes; ValueError on a repeated name."""
    names = [os.path.basename(p) for p in paths]
    if len(set(names)) != len(names):
        raise ValueError("two files would have the same name in /bin")
    a = Archive(mtime)
    for d, mode in DIRS:
        a.entry(d, stat.S_IFDIR | mode)
    for path, mode, major, minor in DEVICES:
        a.entry(path, stat.S_IFCHR | mode, rdev=(major, minor))
    for path, name in zip(paths, names):
        with open(path, "rb") as f:
            a.entry("bin/" + name, stat.S_IFREG | 0o755, f.read())
    if busybox_links:
        if "busybox" not in names:
            raise ValueError("--busybox-links needs a file called busybox")
        for applet in applets(paths[names.index("busybox")]):
            if applet not in names:
                a.entry("bin/" + applet, stat.S_IFLNK | 0o777, b"busybox")
    return a.finish()


def write_atomically(path, blob):
    """Replace PATH with BLOB so that a failed run never leaves half an archive."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    os.replace(tmp, path)


def main(argv):
    """Write the archive; 1 with a message if a file is unreadable or names clash."""
    p = argparse.ArgumentParser(description="Build elk's initial ramdisk (newc cpio).")
    p.add_argument("-o", dest="out", required=True, help="archive to write")
    p.add_argument("--busybox-links", action="store_true",
                   help="link busybox's applets in /bin")
    p.add_argument("files", nargs="+", metavar="FILE")
    args = p.parse_args(argv)
    try:
        write_atomically(args.out, build(args.files, args.busybox_links))
    except (OSError, ValueError, subprocess.CalledProcessError) as e:
        print(f"mkinitrd: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
