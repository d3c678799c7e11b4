#!/usr/bin/env python3
"""Host test of tools/elkrun.py's swap disk: sizes are read as QEMU-style sizes
and must be whole 4 KiB blocks; the image is a fresh sparse file of exactly that
size, gone after the run; QEMU gets it as a modern virtio-blk disk; no size, no
disk; a case with a bad size is refused by runtests before anything boots."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.dont_write_bytecode = True
import checks  # noqa: E402
import elkrun  # noqa: E402
import runtests  # noqa: E402


def main():
    check = checks.Checks("test_swapdisk")

    check(elkrun.disk_bytes("64M") == 64 << 20, "64M is 64 MiB")
    check(elkrun.disk_bytes("1g") == 1 << 30, "1g is 1 GiB")
    check(elkrun.disk_bytes("8K") == 8192, "8K is 8 KiB")
    check(elkrun.disk_bytes("4096") == 4096, "a plain number is bytes")
    for bad in ("", "0", "1000", "12X", "M", "-4K", "1.5M"):
        try:
            elkrun.disk_bytes(bad)
            check(False, f"{bad!r} is refused")
        except ValueError:
            pass

    with elkrun.swap_image("16M") as path:
        st = os.stat(path)
        check(st.st_size == 16 << 20, "the image has the size asked for")
        check(st.st_blocks * 512 < 1 << 20, "the image is sparse")
        argv = elkrun.qemu_argv(kernel="k", initrd="i", init=["hello"], swap=path)
        check(f"file={path},if=none,id=swap,format=raw,cache=unsafe" in argv,
              "QEMU gets the image as a drive")
        check("virtio-blk-pci,drive=swap,disable-legacy=on" in argv,
              "as a modern virtio-blk disk")
    check(not os.path.exists(path), "the image is gone after the run")
    with elkrun.swap_image("") as none:
        check(none is None, "no size, no image")
    check(not any("virtio" in a for a in elkrun.qemu_argv(kernel="k", initrd="i",
                                                          init=["hello"])),
          "no swap, no disk")

    try:
        runtests.check_case(0, {"name": "x", "init": "hello", "swap": "3K"})
        check(False, "a case with a bad swap size is refused")
    except runtests.Malformed as e:
        check("4 KiB" in str(e), f"the refusal says why ({e})")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
