#!/usr/bin/env python3
"""Boot elk under QEMU with one init program and exit with that program's status.

    tools/elkrun.py --kernel K --initrd I [--timeout S] [--smp N] [--mem M] [--options O]
                    [--swap SIZE] -- NAME [ARGS...]
    tools/elkrun.py --iso ISO [--timeout S] ...      (init is whatever the ISO's grub.cfg says)
    tools/elkrun.py --interactive ...                 (make qemu: a session on this terminal)

The kernel ends every run by printing one exit line on serial and writing to the
isa-debug-exit port; the last such line decides the status:

    elk: init exited with status N          -> N
    elk: selftest exited with status N      -> N    (the "selftest" kernel option)
    elk: init killed by signal S (NAME)     -> 128 + S
    elk: cannot start init [NAME]: REASON   -> 127
    elk: kernel panic at FILE:LINE: MSG     -> 255
    (timeout)                               -> 124
    (QEMU ended without any of those lines) -> 125

With --interactive (make qemu, make qemu-gdb) the console is QEMU's stdio mux,
so that Ctrl-A X quits QEMU and Ctrl-C reaches the guest as a character, and
leaving counts as success: elkrun exits 0 when init exits, with any status, or
when the user quits QEMU; a panic or a killed init still gives its status.

--swap SIZE (64M, 1G, ...) attaches a fresh, empty swap disk of that size: a
sparse file in a temporary directory, removed after the run, seen by the guest
as a virtio-blk disk (modern virtio-pci only). Without it there is no disk.

tools/runtests.py imports this module, so the launch code lives only here.
"""

import argparse
import contextlib
import os
import re
import selectors
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from typing import NamedTuple

TOOLS = os.path.dirname(os.path.abspath(__file__))
QEMU = "qemu-system-x86_64"
ACCEL = "tcg,thread=multi"  # no KVM here; multi-threaded TCG is the fastest software mode

STATUS_TIMEOUT = 124
STATUS_NO_EXIT_LINE = 125
STATUS_CANNOT_START = 127
STATUS_PANIC = 255

# The kernel's exit lines, anchored at a line start; carriage returns are gone by then.
EXIT_LINE = re.compile(
    r"^elk: (?:(?:init|selftest) exited with status (?P<status>\d+)"
    r"|init killed by signal (?P<signal>\d+) \(\w*\)"
    r"|cannot start init\b.*"
    r"|kernel panic at .*)$",
    re.MULTILINE)

# The console of an interactive session: stdio in raw mode (QEMU's, when stdin is
# a terminal) through a mux that takes Ctrl-A commands, with Ctrl-C passed on as
# a character instead of stopping QEMU.
INTERACTIVE_CONSOLE = ["-chardev", "stdio,id=console,mux=on,signal=off",
                       "-serial", "chardev:console", "-mon", "chardev=console"]
HOW_TO_LEAVE = ("elkrun: Ctrl-A X quits QEMU; 'exit' leaves the shell; Ctrl-C drops the "
                "line being typed, or interrupts the program running in the foreground")

# How long QEMU gets to restore the terminal after SIGTERM before SIGKILL.
TERM_GRACE = 5


class Outcome(NamedTuple):
    status: int   # what elkrun exits with
    reason: str   # one line saying what ended the run
    output: str   # everything QEMU wrote, decoded, carriage returns kept
    qemu_status: int  # QEMU's own exit status (negative: killed by that signal)


def cmdline_word(word):
    """WORD for the kernel command line: in double quotes if it holds a blank or is
    empty, which the kernel groups into one word and drops, as Linux does. A double
    quote cannot be passed inside a word: ValueError."""
    if '"' in word:
        raise ValueError(f"an argument cannot hold a double quote: {word!r}")
    return f'"{word}"' if word == "" or any(c in word for c in " \t\n") else word


SIZE_SUFFIXES = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def disk_bytes(size):
    """The bytes that SIZE ("64M", "1G", "4096K", "1048576") means; ValueError if
    it is not such a size, or not a whole number of 4 KiB blocks, or zero."""
    m = re.fullmatch(r"(\d+)([KMG]?)", size.strip().upper())
    if not m:
        raise ValueError(f"not a disk size: {size!r} (want a number with K, M or G)")
    n = int(m.group(1)) * SIZE_SUFFIXES[m.group(2)]
    if n == 0 or n % 4096:
        raise ValueError(f"a swap disk must be a positive multiple of 4 KiB: {size!r}")
    return n


@contextlib.contextmanager
def swap_image(size):
    """A fresh sparse file of SIZE (disk_bytes) for the run, removed afterwards;
    yields its path, or None when SIZE is empty (no disk)."""
    if not size:
        yield None
        return
    n = disk_bytes(size)
    with tempfile.TemporaryDirectory(prefix="elk-swap-") as tmp:
        path = os.path.join(tmp, "swap.img")
        with open(path, "wb") as f:
            f.truncate(n)
        yield path


def swap_argv(path):
    """QEMU arguments that attach the image at PATH as a modern virtio-blk disk."""
    return ["-drive", f"file={path},if=none,id=swap,format=raw,cache=unsafe",
            "-device", "virtio-blk-pci,drive=swap,disable-legacy=on"]


def qemu_argv(qemu=QEMU, kernel=None, initrd=None, iso=None, init=(),
              mem="256M", smp=1, extra=(), options=(), accel=ACCEL, monitor="none",
              interactive=False, swap=None):
    """The QEMU command line: boot ISO from CD-ROM if given, else KERNEL+INITRD with
    the command line OPTIONS init=INIT (lists: kernel options; program name, then
    its arguments). MONITOR is QEMU's -monitor device; INTERACTIVE puts the serial
    console and the monitor on the stdio mux instead. SWAP is the path of a swap
    disk image to attach, or None. With no display, the firmware (SeaBIOS, iPXE)
    has nowhere to print its banners."""
    console = (INTERACTIVE_CONSOLE if interactive
               else ["-serial", "stdio", "-monitor", monitor])
    argv = ([qemu, "-accel", accel, "-m", str(mem), "-smp", str(smp),
             "-no-reboot", "-display", "none"] + console +
            ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"])
    if swap:
        argv += swap_argv(swap)
    if iso:
        argv += ["-cdrom", iso]
    else:
        argv += ["-kernel", kernel, "-initrd", initrd,
                 "-append", " ".join(list(options) + (["init=" + " ".join(map(cmdline_word, init))]
                                                      if init else []))]
    return argv + list(extra)


def ensure_qemu(qemu=QEMU):
    """True if QEMU can be found, after letting tools/setup-deps.sh install it if not."""
    if shutil.which(qemu):
        return True
    subprocess.call(["bash", os.path.join(TOOLS, "setup-deps.sh"), "run"])
    return shutil.which(qemu) is not None


def verdict(output, qemu_status):
    """(status, reason) from the last kernel exit line in OUTPUT, or 125 if none."""
    lines = list(EXIT_LINE.finditer(output.replace("\r", "")))
    if not lines:
        return (STATUS_NO_EXIT_LINE,
                f"QEMU exited (status {qemu_status}) without the kernel's exit line")
    last = lines[-1]
    reason = last.group(0)[len("elk: "):]
    if last.group("status") is not None:
        return int(last.group("status")) & 0xff, reason
    if last.group("signal") is not None:
        return 128 + int(last.group("signal")), reason
    if reason.startswith("cannot start init"):
        return STATUS_CANNOT_START, reason
    return STATUS_PANIC, reason


def stop(proc):
    """End PROC politely (QEMU restores a raw terminal on SIGTERM), forcibly if it lingers."""
    proc.terminate()
    try:
        proc.wait(TERM_GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def pump(proc, sink, deadline):
    """Hand PROC's stdout to SINK chunk by chunk until EOF (True) or DEADLINE (False)."""
    fd = proc.stdout.fileno()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            if not sel.select(left):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return True
            sink(chunk)


def run(argv, sink, stdin=None, stderr=None, timeout=None, started=None):
    """Run the QEMU command ARGV, passing its output to SINK as it arrives, and
    return the Outcome; a run longer than TIMEOUT seconds is killed (status 124).
    STARTED, if given, is called with the Popen once QEMU runs (before output)."""
    chunks = []

    def keep(chunk):
        chunks.append(chunk)
        sink(chunk)

    deadline = None if timeout is None else time.monotonic() + timeout
    with subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE,
                          stderr=stderr) as proc:
        if started:
            started(proc)
        try:
            ended = pump(proc, keep, deadline) and exits_by(proc, deadline)
        finally:
            if proc.poll() is None:
                stop(proc)
    output = b"".join(chunks).decode("utf-8", errors="replace")
    if not ended:
        return Outcome(STATUS_TIMEOUT, f"timed out after {timeout:g} s", output,
                       proc.returncode)
    status, reason = verdict(output, proc.returncode)
    return Outcome(status, reason, output, proc.returncode)


def exits_by(proc, deadline):
    """True if PROC, whose output has ended, exits before DEADLINE (None: ever)."""
    left = None if deadline is None else max(0.0, deadline - time.monotonic())
    try:
        proc.wait(left)
        return True
    except subprocess.TimeoutExpired:
        return False


def session_left(outcome):
    """True if an interactive session ended the way a user ends one: init exited
    (with whatever status its last command left), or QEMU quit by Ctrl-A X."""
    if outcome.status == STATUS_NO_EXIT_LINE:
        return outcome.qemu_status == 0
    return outcome.reason.startswith("init exited")


def usable_stdin():
    """Our stdin for QEMU's serial input, or /dev/null when CI started us without one."""
    try:
        os.fstat(0)
        return None
    except OSError:
        return subprocess.DEVNULL


def parse_args(argv):
    """The command line, checked: either --iso, or --kernel, --initrd and a NAME."""
    p = argparse.ArgumentParser(
        usage="%(prog)s --kernel K --initrd I [options] -- NAME [ARGS...]\n"
              "       %(prog)s --iso ISO [options]",
        description="Boot elk with init=NAME ARGS and exit with the program's status.")
    p.add_argument("--kernel", help="kernel ELF (QEMU -kernel)")
    p.add_argument("--initrd", help="initial ramdisk (QEMU -initrd)")
    p.add_argument("--iso", help="boot this GRUB image instead of --kernel/--initrd")
    p.add_argument("--timeout", type=float, help="seconds before QEMU is killed (exit 124)")
    p.add_argument("--smp", type=int, default=1, help="number of CPUs (default 1)")
    p.add_argument("--mem", default="256M", help="guest memory (default 256M)")
    p.add_argument("--qemu", default=QEMU, help=f"QEMU binary (default {QEMU})")
    p.add_argument("--accel", default=ACCEL, help=f"QEMU -accel value (default {ACCEL})")
    p.add_argument("--qemu-args", default="", help="extra QEMU arguments, shell-quoted")
    p.add_argument("--swap", default="",
                   help="attach a fresh swap disk of this size (64M, 1G); none by default")
    p.add_argument("--options", default="",
                   help='kernel options before init=, e.g. "selftest" or "crashtest"')
    p.add_argument("--interactive", action="store_true",
                   help="a session: Ctrl-A X quits, and leaving (init's exit, any "
                        "status, or Ctrl-A X) exits 0")
    p.add_argument("init", nargs="*", metavar="NAME ARGS",
                   help="init program and its arguments")
    args = p.parse_args(argv)
    if args.iso and args.init:
        p.error("with --iso, init comes from the ISO's grub.cfg; give no NAME")
    if not args.iso and not (args.kernel and args.initrd and (args.init or args.options)):
        p.error("need --kernel, --initrd and a NAME or --options (or --iso)")
    for word in args.init:
        if '"' in word:
            p.error(f"an argument of init cannot hold a double quote: {word!r}")
    if args.swap:
        try:
            disk_bytes(args.swap)
        except ValueError as e:
            p.error(str(e))
    return args


def main(argv):
    """Boot, stream the serial console to stdout, return the program's status."""
    args = parse_args(argv)
    if not ensure_qemu(args.qemu):
        print(f"elkrun: {args.qemu} is not installed", file=sys.stderr)
        return STATUS_NO_EXIT_LINE

    reader_gone = [False]

    def show(chunk):
        """Echo the console; once a reader such as head has gone, run on silently."""
        if reader_gone[0]:
            return
        try:
            sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            reader_gone[0] = True
            # Point stdout at /dev/null so that Python's own flush at exit is quiet.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    if args.interactive:
        print(HOW_TO_LEAVE, file=sys.stderr, flush=True)
    try:
        with swap_image(args.swap) as swap:
            cmd = qemu_argv(args.qemu, args.kernel, args.initrd, args.iso, args.init,
                            args.mem, args.smp, shlex.split(args.qemu_args),
                            args.options.split(), args.accel, interactive=args.interactive,
                            swap=swap)
            outcome = run(cmd, show, stdin=usable_stdin(), timeout=args.timeout)
    except KeyboardInterrupt:
        return 130
    if args.interactive and session_left(outcome):
        return 0
    if outcome.status in (STATUS_TIMEOUT, STATUS_NO_EXIT_LINE):
        print(f"elkrun: {outcome.reason}", file=sys.stderr)
    return outcome.status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
