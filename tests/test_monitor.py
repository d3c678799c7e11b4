#!/usr/bin/env python3
"""Host test of tools/runtests.py's monitor steps, against a stand-in for QEMU's
monitor on a Unix socket: a step waits for the whole line its regex matches
(a line cut short may go on otherwise); a command that is answered with the
next prompt is done; a command after which the monitor closes the connection (QEMU exited, as
after a machine check that panics the kernel) is not an error, the output
decides; a command that cannot be written (nothing listening) is an error."""

import os
import socket
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.dont_write_bytecode = True
import checks  # noqa: E402
import runtests  # noqa: E402

BANNER = b"QEMU 7.2.0 monitor - type 'help' for more information\r\n(qemu) "


def fake_monitor(path, answer):
    """Listen at PATH for one connection: send the banner, read one command line,
    then send the next prompt if ANSWER, else close. Returns (thread, commands seen)."""
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)
    commands = []

    def serve():
        with server:
            conn, _ = server.accept()
            with conn:
                conn.sendall(BANNER)
                line = b""
                while not line.endswith(b"\n"):
                    data = conn.recv(1)
                    if not data:
                        break
                    line += data
                commands.append(line.decode().strip())
                if answer:
                    conn.sendall(b"\r\n(qemu) ")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread, commands


def typed(path, answer, listening=True):
    """Feed a Monitor the output that its one step waits for, the line in two
    pieces; (errors, notes, commands, whether it waited for the line's end)."""
    monitor = runtests.Monitor(path, [[r"^S: step 2$", "mce 0 1 0xb000000000000000 0x5 0 0"]])
    thread, commands = fake_monitor(path, answer) if listening else (None, [])
    monitor.sink(b"S: step 1\r\nS: step 2")
    waited = len(monitor.steps) == 1 and not monitor.errors
    monitor.sink(b"\r\n")
    if thread:
        thread.join(5)
    return monitor.errors, monitor.notes, commands, waited


def main():
    check = checks.Checks("test_monitor")

    with tempfile.TemporaryDirectory() as tmp:
        errors, notes, commands, waited = typed(os.path.join(tmp, "answered.sock"), answer=True)
        check(waited, "a step waits for the end of the line its regex matches")
        check(commands == ["mce 0 1 0xb000000000000000 0x5 0 0"],
              f"the command reached the monitor once it was due (got {commands})")
        check(errors == [] and notes == [], f"an answered command is done ({errors}, {notes})")

        errors, notes, commands, _ = typed(os.path.join(tmp, "closed.sock"), answer=False)
        check(len(commands) == 1, "the command was written before the monitor closed")
        check(errors == [], f"a monitor closed after the command is no error ({errors})")
        check(len(notes) == 1 and "closed the monitor" in notes[0],
              f"the log is told the monitor closed after the command ({notes})")

        errors, notes, _, _ = typed(os.path.join(tmp, "absent.sock"), answer=True, listening=False)
        check(len(errors) == 1 and "failed" in errors[0],
              f"a command with no monitor to take it is an error ({errors})")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
