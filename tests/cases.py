"""QEMU test cases for elk, run by tools/runtests.py (its docstring defines the keys).

Each case boots the kernel with init=INIT; `expect` regexes must match the serial
output in order, `forbid` ones nowhere, and the run's status is init's exit status
(128 + S if init was killed by signal S).
"""

import os

SIGILL, SIGTRAP, SIGFPE, SIGSEGV = 4, 5, 8, 11

# Anything the user programs print when a check fails starts with "FAIL" or "panic:".
USER_FAILURE = [r"FAIL", r"^panic: "]

HEX = r"0x[0-9a-f]+"

# busybox's interactive prompt as root: "# ", then a cursor-position query (ESC [6n).
PROMPT = r"# \x1b\[6n"

# What tools' leakcheck prints when the program gave back every page it used.
NO_LEAK = [r"^leakcheck: [\w.]+ exited 0$",
           r"^leakcheck: free pages before \d+ after \d+, kmalloc's pages before \d+ after \d+$",
           r"^leakcheck: pages in use before (\d+) after \1, kernel objects before (\d+) after \2$"]

# leakcheck's swap line, when pages went out and came back during the run.
SWAP_LEAK = (r"^leakcheck: free swap before \d+ after \d+, pages written to swap [1-9]\d*, "
             r"read back [1-9]\d*$")

# What the fuzzer prints at the end of a run that found nothing wrong.
FUZZ_OK = [r"^fuzz: \d+ calls \(\d+ syscall, \d+ int \$0x80, \d+ page\), \d+ forks, "
           r"\d+ children killed by a signal$",
           r"^fuzz: free pages before \d+ after \d+, kmalloc's pages before \d+ after \d+$",
           r"^fuzz: pages in use before (\d+) after \1, kernel objects before (\d+) after \2$",
           r"^fuzz: ok$", r"^elk: init exited with status 0$"]


def kill_line(prog, cause, addr=HEX):
    """The kernel's one line for a user fault that killed PROG."""
    return (rf"^elk: pid \d+ \({prog}\) killed: {cause}, addr {addr}, rip {HEX}$")


def oom_line(prog):
    """The kernel's one line for the out-of-memory victim, a PROG."""
    return rf"^oom: killed pid \d+ \({prog}\), \d+ pages$"


def oomkill_case(name, swap):
    """oomkill's hog and four workers in 64 MiB, with a swap disk of SWAP or none."""
    case = {
        "name": name,
        "init": "leakcheck oomkill 4 1",
        "mem": "64M",
        "timeout": 300,
        "expect": [oom_line("oomkill"),
                   r"^oomkill: the hog \(pid \d+\) was killed, 4 workers finished right$",
                   r"^oomkill: ok$"] + NO_LEAK + ([SWAP_LEAK] if swap else []),
        "forbid": USER_FAILURE + [r"killed: out of memory"],
    }
    if swap:
        case["swap"] = swap
    return case


def fault_case(prog, cause, signo, signame, addr=HEX):
    """PROG run as init: the kernel kills it with CAUSE and reports init's death."""
    return {
        "name": prog,
        "init": prog,
        "expect": [kill_line(prog, cause, addr),
                   rf"^elk: init killed by signal {signo} \({signame}\)$"],
        "forbid": USER_FAILURE,
        "status": 128 + signo,
    }


# (program, cause as a regex, signal, address the kernel reports).
FAULTS = [
    ("fault_null", r"page fault \(read, not mapped\)", SIGSEGV, "SIGSEGV", "0x0"),
    ("fault_nullwrite", r"page fault \(write, not mapped\)", SIGSEGV, "SIGSEGV", "0x0"),
    ("fault_text", r"page fault \(write, protection\)", SIGSEGV, "SIGSEGV", HEX),
    ("fault_kernel", r"page fault \(read, protection\)", SIGSEGV, "SIGSEGV",
     "0xffffffff80100000"),
    ("fault_gp", r"general protection fault", SIGSEGV, "SIGSEGV", HEX),
    ("fault_priv", r"general protection fault", SIGSEGV, "SIGSEGV", HEX),
    ("fault_stack", r"stack overflow \(guard page\)", SIGSEGV, "SIGSEGV", r"0x7f[0-9a-f]+"),
    ("fault_div", r"divide error", SIGFPE, "SIGFPE", HEX),
    ("fault_ud", r"invalid opcode", SIGILL, "SIGILL", HEX),
    ("fault_int3", r"breakpoint", SIGTRAP, "SIGTRAP", HEX),
]

# (file, kern/elf.c's refusal for its defect), in the order user/badexec.c tries them.
BAD_ELVES = [
    ("magic", "bad ELF magic"),
    ("class", "not a 64-bit ELF file"),
    ("machine", "not an x86-64 executable"),
    ("entry", "entry point not in an executable segment"),
    ("kernaddr", "segment outside user space"),
    ("overlap", "segments overlap"),
    ("filesz", "segment file size exceeds its memory size"),
    ("overflow", "segment address overflows"),
    ("truncated", "program headers outside the file"),
]

# The demo's batch on one CPU: one trap. (On more, see MORE_CPUS_EXPECT.)
DEMO_ONE_TRAP = (r"^flexsc: 8 of 8 batch writes wrote their whole line, in any order, after 1 "
                 r"trap\(s\) \(flexsc_wait\) for the batch$")

CASES = [
    {
        "name": "hello",
        "init": "hello",
        "expect": [r"^elk: x86-64 kernel", r"^hello from elk! I am pid 1$",
                   r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        "name": "args",
        # AT_PHNUM: args as musl-gcc -static lays it out (four PT_LOADs,
        # PT_GNU_STACK, PT_GNU_RELRO).
        "init": "args alpha beta gamma delta",
        "expect": [r"^argc=5$", r"^argv\[0\]=args$", r"^argv\[1\]=alpha$",
                   r"^argv\[2\]=beta$", r"^argv\[3\]=gamma$", r"^argv\[4\]=delta$",
                   r"^auxv: AT_PAGESZ=4096$", r"^auxv: AT_PHENT=56 AT_PHNUM=6$",
                   r"^auxv: the program headers at AT_PHDR describe this program$",
                   r"^args: ok$"],
        "forbid": USER_FAILURE,
    },
    {
        "name": "echo",
        "init": "echo one two  three",
        "expect": [r"^one two three$"],
        "forbid": USER_FAILURE,
    },
    {
        "name": "kstat",
        "init": "kstat",
        "expect": [r"^free pages [1-9]\d* of [1-9]\d*$", r"^processes 1$"],
        "forbid": USER_FAILURE,
    },
    {
        # With 4 GiB, QEMU puts 1 GiB above 4 GiB, past the PCI hole: the hole is not
        # RAM (it once counted, as 5120 MiB and 1310720 pages).
        "name": "kstat-4g",
        "init": "kstat",
        "mem": "4G",
        "expect": [r"^elk: x86-64 kernel, booted by Multiboot1; 409[0-5] MiB of RAM,",
                   r"^free pages [1-9]\d* of 104[0-8]\d{3}$"],
        "forbid": USER_FAILURE,
    },
] + [fault_case(*f) for f in FAULTS] + [
    {
        "name": "faults",
        "init": "faults",
        "expect": [rf"^faults: {prog} killed by {signame} as expected$"
                   for prog, _, _, signame, _ in FAULTS] +
                  [rf"^faults: all {len(FAULTS)} ok$"],
        "forbid": USER_FAILURE,
    },
    {
        "name": "sh-after-fault",
        "init": "sh -c fault_null ; hello ; fault_div ; hello",
        "expect": [kill_line("fault_null", r"page fault \(read, not mapped\)"),
                   r"^sh: fault_null killed by signal 11$",
                   r"^hello from elk!",
                   kill_line("fault_div", r"divide error"),
                   r"^sh: fault_div killed by signal 8$",
                   r"^hello from elk!"],
        "forbid": USER_FAILURE,
    },
    {
        "name": "sh-status",
        "init": "sh -c hello ; fault_null",
        "expect": [r"^hello from elk!", r"^elk: init exited with status 139$"],
        "forbid": USER_FAILURE,
        "status": 139,
    },
    {
        "name": "sh-exit",
        "init": "sh -c echo before ; exit 3 ; echo after",
        "expect": [r"^before$", r"^elk: init exited with status 3$"],
        "forbid": USER_FAILURE + [r"^after$"],
        "status": 3,
    },
    {
        "name": "sh-notfound",
        "init": "sh -c nosuchprog ; hello",
        "expect": [r"^sh: nosuchprog: not found$", r"^hello from elk!"],
        "forbid": USER_FAILURE,
    },
    {
        # Either may print first; the shell waits for the background job before exiting.
        "name": "sh-background",
        "init": "sh -c hello & ; echo hi",
        "expect": [r"(?s)^hello from elk!.*^hi$|^hi$.*^hello from elk!",
                   r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        "name": "nosys",
        "init": "nosys",
        "expect": [r"^nosys: ok$"],
        "forbid": USER_FAILURE,
    },
    {
        "name": "efault",
        "init": "efault",
        "expect": [r"^efault: ok$"],
        "forbid": USER_FAILURE,
    },
    {
        # Neither spinner yields nor makes a system call while it spins, and each
        # spins until it has seen the other run meanwhile: only the timer can
        # make that happen on one CPU. Either may finish first.
        "name": "preempt",
        "init": "preempt",
        "expect": [r"(?s)^A: saw B run while spinning$.*^B: saw A run while spinning$"
                   r"|^B: saw A run while spinning$.*^A: saw B run while spinning$",
                   r"^preempt: both spinners done$"],
        "forbid": USER_FAILURE,
    },
    {
        # Also -EINVAL for bad timespecs, and sleeps too long for 64-bit nanoseconds.
        "name": "sleeptest",
        "init": "sleeptest 300",
        "expect": [r"^sleeptest: 2 sleeps too long to count in nanoseconds still asleep after 500 ms$",
                   r"^sleeptest: slept \d+ ms$"],
        "forbid": USER_FAILURE,
    },
    {
        "name": "badexec",
        "init": "badexec",
        "expect": [rf"^elk: exec badelf-{b}: {why}$" for b, why in BAD_ELVES] +
                  [r"^badexec: ok$"],
        "forbid": USER_FAILURE,
    },
    {
        "name": "missing-init",
        "init": "nosuchprog",
        "expect": [r"^elk: cannot start init nosuchprog"],
        "status": 127,
    },
    {
        "name": "no-init",
        "options": "quiet",
        "expect": [r"^elk: ignoring unknown kernel option 'quiet'$",
                   r"^elk: cannot start init: no init=NAME on the kernel command line$"],
        "status": 127,
    },
    {
        "name": "empty-init",
        "options": "init=",
        "expect": [r"^elk: cannot start init: init= is followed by an empty name$"],
        "status": 127,
    },
    {
        # init= and 31 arguments: as many words as the kernel passes on.
        "name": "cmdline-most-words",
        "init": "echo " + " ".join(f"w{i}" for i in range(1, 32)),
        "expect": [r"^w1 w2 .* w30 w31$", r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        # One word more is refused, not cut.
        "name": "cmdline-too-many-words",
        "init": "echo " + " ".join(f"w{i}" for i in range(1, 33)),
        "expect": [r"^elk: cannot start init: more than 32 words from init= on the kernel "
                   r"command line$"],
        "forbid": [r"^w1 "],
        "status": 127,
    },
    {
        # "init=echo " and 501 bytes: the longest line the kernel keeps (511 bytes).
        "name": "cmdline-longest",
        "init": "echo " + "x" * 501,
        "expect": [r"^x{501}$", r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        "name": "cmdline-too-long",
        "init": "echo " + "x" * 502,
        "expect": [r"^elk: cannot start init: the kernel command line is longer than 511 "
                   r"bytes$"],
        "forbid": [r"^x+$"],
        "status": 127,
    },
    {
        # Typed text reaches read(0) through the UART interrupt; backspace edits it.
        "name": "serial-input",
        "init": "readline",
        "type": [[r"type a line: ", "hellp\x7fo world\n"]],
        "expect": [r"^type a line: ", r"^got: hello world$"],
        "forbid": USER_FAILURE,
    },
    {
        # Ctrl-C at the shell's prompt drops the line typed so far, as a shell does.
        "name": "serial-ctrl-c",
        "init": "sh",
        "type": [[r"elk\$ ", "echo lost\x03"], [r"elk\$ ", "echo kept\n"],
                 [r"elk\$ ", "exit\n"]],
        "expect": [r"^elk\$ echo lost\^C$", r"^kept$", r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE + [r"^lost$"],
    },
    {
        # The console's line discipline from musl's termios calls: the kernel edits
        # and echoes a canonical line, raw input is neither, Ctrl-D ends the file.
        "name": "termios",
        "init": "termios",
        "type": [[r"canonical: ", "ab\x7fc\n"], [r"raw: ", "xy\x7f"], [r"eof: ", "\x04"]],
        "expect": [r"^canonical: ab\x08 \x08c$", r"^raw: eof: $", r"^termios: ok$",
                   r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        # sleep is the Unix utility: decimal seconds, an error for anything else.
        "name": "sleep",
        "init": "sh -c sleep 0.2 ; echo slept ; sleep 1.x",
        "expect": [r"^slept$", r"^sleep: invalid time interval 1\.x$",
                   r"^elk: init exited with status 1$"],
        # A fraction must be taken, not refused.
        "forbid": USER_FAILURE + [r"^sleep: invalid time interval 0\.2$"],
        "status": 1,
    },
    {
        "name": "sleep-no-operand",
        "init": "sleep",
        "expect": [r"^sleep: missing operand$", r"^elk: init exited with status 1$"],
        "status": 1,
    },
    {
        "name": "fpu",
        "init": "fpu",
        "expect": [r"^fpu: ok, parent did [1-9]\d* rounds"],
        "forbid": USER_FAILURE,
    },
    {
        # An NMI is the machine's doing, not the program's: one line, and it runs on.
        # nmiwait waits until the kernel has reported the NMI, however late the
        # monitor gets it in.
        "name": "nmi",
        "init": "nmiwait S 1",
        "monitor": [[r"^S: waiting for NMI 1 of 1$", "nmi"]],
        "expect": [r"^elk: 1 NMI\(s\) on CPU 0, from the machine, not the running code; "
                   r"ignored$",
                   r"^S: done, the kernel reported 1 NMI\(s\)$",
                   r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE + [r"killed"],
    },
    {
        # NMIs while nmiwait makes system calls without pause: some land on the
        # system-call path, at syscall_entry's first instruction too, where the
        # user's GS base is still loaded. Each is counted and ignored. One at a
        # time: the next is sent once nmiwait has seen the last one reported, so
        # that two never merge into one.
        "name": "nmi-syscalls",
        "init": "nmiwait L 20 syscalls",
        "monitor": [[rf"^L: waiting for NMI {i} of 20$", "nmi"] for i in range(1, 21)],
        "expect": [r"^elk: 1 NMI\(s\) on CPU 0, from the machine, not the running code; "
                   r"ignored$",
                   r"^L: done, the kernel reported 20 NMI\(s\)$",
                   r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE + [r"killed"],
    },
    {
        # A machine check panics the kernel and is not blamed on the program. The
        # monitor injects an uncorrected error (bank 1 status VAL|UC|EN, MCG_STATUS
        # MCIP|RIPV) while nmiwait waits for an NMI that never comes: only the
        # machine check can end the run, and nothing of the program runs after it.
        "name": "machine-check",
        "init": "nmiwait S 1",
        "monitor": [[r"^S: waiting for NMI 1 of 1$", "mce 0 1 0xb000000000000000 0x5 0 0"]],
        "expect": [r"^elk: machine check on CPU 0$", r"^  trap 18 \(machine check\)",
                   r"^elk: kernel panic at kern/trap\.c:\d+: machine check at rip "],
        "forbid": [r"killed", r"^S: done", r"(?s)^elk: machine check.*^S: "],
        "allow_panic": True,
        "status": 255,
    },
    {
        "name": "selftest",
        "options": "selftest",
        "expect": [r"^selftest: all passed \(0 failed\)$",
                   r"^elk: selftest exited with status 0$"],
        "forbid": [r"^selftest: FAIL"],
    },
    {
        # The virtio-blk driver from kernel threads: a batch of 64 writes and then
        # 64 reads, queued before one notification (more than the 42 requests
        # the queue holds), 4 threads writing and reading back at once, the
        # disk's last block, a block past the end refused, no page kept.
        "name": "blktest",
        "options": "blktest",
        "swap": "16M",
        "expect": [r"^elk: virtio-blk disk at [0-9a-f:.]+: 16 MiB \(4096 blocks of 4 KiB\), "
                   r"\d+ descriptors, MSI-X vector \d+$",
                   r"^blktest: 64 writes then 64 reads in batches: 64 pages match$",
                   r"^blktest: 4 threads, 16 write-read rounds each$",
                   r"^blktest: \d+ requests, at most \d+ in flight$",
                   r"^blktest: ok$", r"^elk: selftest exited with status 0$"],
        "forbid": [r"FAIL"],
    },
    {
        # Paging: with 64 MiB of memory, 256 MiB (four times it) are filled with a
        # pattern per page and checked forwards and in a scattered order after
        # their trip through swap (pages the first check read back go out again
        # without a write, and the second check reads them); the kernel's memory
        # and swap in use come back.
        "name": "swap-touch",
        "init": "leakcheck swapper touch 256",
        "mem": "64M",
        "swap": "512M",
        "timeout": 300,
        "expect": [r"^elk: swap: 131072 slots \(512 MiB\); page-out below \d+ free pages, up to \d+$",
                   r"^swapper: 256 MiB written and checked$",
                   r"^swapper: [1-9]\d* pages written to swap, [1-9]\d* read back, [1-9]\d* paged out clean$",
                   r"^swapper: ok$"] + NO_LEAK + [SWAP_LEAK],
        "forbid": USER_FAILURE,
    },
    {
        # Two threads of one process, on two CPUs, fault at once on pages of
        # their own halves of 128 MiB that are on the disk; a fault reads its
        # page with the address space's lock dropped, and every page is right.
        "name": "swap-threads",
        "init": "leakcheck swapper threads 128",
        "mem": "64M",
        "swap": "256M",
        "smp": 2,
        "timeout": 300,
        "expect": [r"^swapper: two threads checked 128 MiB at once$",
                   r"^swapper: ok$"] + NO_LEAK + [SWAP_LEAK],
        "forbid": USER_FAILURE,
    },
    {
        # Four processes at once, 40 MiB each, in 64 MiB.
        "name": "swap-procs",
        "init": "leakcheck swapper procs 4 40",
        "mem": "64M",
        "swap": "256M",
        "timeout": 300,
        "expect": [r"^swapper: 4 processes, 40 MiB each, checked$", r"^swapper: ok$"]
                  + NO_LEAK + [SWAP_LEAK],
        "forbid": USER_FAILURE,
    },
    {
        # Copy-on-write pages shared by a parent and its child go to swap once (a
        # slot each) and come back once for both (the parent's read brings them
        # back, the child's reads nearly nothing); then the child's own copies do.
        "name": "swap-fork",
        "init": "leakcheck swapper fork 24",
        "mem": "64M",
        "swap": "256M",
        "timeout": 300,
        "expect": [r"^swapper: fork with 24 MiB shared copy-on-write, checked by both$",
                   r"^swapper: 6144 shared pages: \d+ slots in use after 56 MiB of another "
                   r"process, \d+ read back by the parent, \d+ by the child$",
                   r"^swapper: ok$"] + NO_LEAK + [SWAP_LEAK],
        "forbid": USER_FAILURE,
    },
    {
        # munmap of a paged-out range gives its slots back; mprotect of one keeps
        # its contents.
        "name": "swap-unmap",
        "init": "leakcheck swapper unmap 80",
        "mem": "64M",
        "swap": "256M",
        "timeout": 300,
        "expect": [r"^swapper: munmap and mprotect of paged-out ranges$", r"^swapper: ok$"]
                  + NO_LEAK + [SWAP_LEAK],
        "forbid": USER_FAILURE,
    },
    {
        # Page locking: the syscall pages of a registered process stay in memory
        # while 96 MiB are written twice in 64 MiB (reading them reads nothing from
        # swap, where a cold page of its own comes back), and kstat's locked
        # count grows by them and falls back when the process is gone.
        "name": "swap-locked",
        "init": "leakcheck swapper locked 96",
        "mem": "64M",
        "swap": "256M",
        "timeout": 300,
        "expect": [r"^swapper: syscall pages stayed in memory through 96 MiB of paging$",
                   r"^swapper: ok$"] + NO_LEAK + [SWAP_LEAK],
        "forbid": USER_FAILURE,
    },
    {
        # A read posted on a syscall page into a buffer that is on the swap disk,
        # with other calls posted after it: every call runs and the buffer gets
        # the file's bytes. How many of the others were done before the read
        # depends on timing (the disk cannot be held back to make it certain),
        # so it is only reported: this case cannot tell a stalled page from one
        # that went on (docs/vm.md).
        "name": "swap-flexread",
        "init": "leakcheck swapper flexread 96",
        "mem": "64M",
        "swap": "256M",
        "timeout": 300,
        "expect": [r"^swapper: a read into 64 paged-out pages on a syscall page; \d+ of 32 calls "
                   r"posted after it done before it$",
                   r"^swapper: ok$"] + NO_LEAK + [SWAP_LEAK],
        "forbid": USER_FAILURE,
    },
    {
        # Pages that no page table maps (48 MiB made PROT_NONE) are paged out
        # too: a child's 24 MiB, written three times, find room without reading
        # its own pages back (the clock only saw page tables, and the child
        # thrashed until it was killed), and the pages read back right.
        "name": "swap-protnone",
        "init": "leakcheck swapper protnone 48 24",
        "mem": "64M",
        "swap": "128M",
        "timeout": 300,
        "expect": [r"^swapper: the child's second and third passes over 24 MiB read \d+ pages "
                   r"from swap$",
                   r"^swapper: 48 MiB of PROT_NONE memory paged out for a child's 24 MiB$",
                   r"^swapper: ok$"] + NO_LEAK + [SWAP_LEAK],
        "forbid": USER_FAILURE,
    },
    {
        # A tmpfs file holds memory under the page-out's low-water mark, where the
        # page-out can take nothing of it: after the round a fault asked for, the
        # thread sleeps while the program computes (it ran round after round,
        # re-evicting everyone's pages, before it learnt to stop).
        "name": "swap-idle",
        "init": "leakcheck swapper idle",
        "mem": "64M",
        "swap": "64M",
        "timeout": 300,
        "expect": [r"^swapper: a \d+ KiB file under the low-water mark; while computing, [0-2] "
                   r"page-out rounds and \d+ swap writes$",
                   r"^swapper: ok$"] + NO_LEAK + [SWAP_LEAK],
        "forbid": USER_FAILURE,
    },
    {
        # Memory and swap both full: the process that wants more is killed with
        # the out-of-memory line, and the next one runs.
        "name": "swap-oom",
        "init": "leakcheck swapper oom 150",
        "mem": "64M",
        "swap": "32M",
        "timeout": 300,
        "expect": [oom_line("swapper"),
                   r"^swapper: out of memory and swap: one child killed, the next one fine$",
                   r"^swapper: ok$"] + NO_LEAK + [SWAP_LEAK],
        "forbid": USER_FAILURE + [r"killed: out of memory"],
    },
    # The out-of-memory victim is the largest process: a hog, not one of four
    # workers that allocate, fill and check 1 MiB at a time meanwhile; they
    # wait for the hog's memory and all finish right. With swap and without.
    oomkill_case("swap-oomkill", "16M"),
    oomkill_case("oomkill", None),
    {
        # No swap disk, no disk: the driver invents none.
        "name": "blktest-nodisk",
        "options": "blktest",
        "expect": [r"^blktest: FAIL no disk, or one too small \(0 blocks\)$",
                   r"^elk: selftest exited with status 1$"],
        "forbid": [r"virtio-blk"],
        "status": 1,
    },
    {
        # A fault in the kernel itself panics with the trap frame and a backtrace.
        "name": "kernel-panic",
        "smp": 1,
        "options": "crashtest",
        "init": "hello",
        "expect": [r"^elk: crashtest: writing to unmapped address 0xdead0000 on CPU 0$",
                   r"(?i)page fault", r"rip", r"cr2",
                   r"^elk: kernel panic at kern/trap\.c:\d+: ", r"^backtrace:$"],
        "forbid": [r"^hello from elk!"],
        "allow_panic": True,
        "status": 255,
    },
    {
        # A frame the CPU refuses to return to user mode with (init's stack
        # selector forged to RPL 0): the #GP comes in ring 0 at iret_to_user,
        # with the user's GS base loaded; only init dies, with one line.
        "name": "badreturn",
        "options": "badreturn",
        "init": "hello",
        "expect": [r"^elk: badreturn: init's stack selector is 0x18$",
                   kill_line("hello", r"general protection fault on return to user mode"),
                   rf"^elk: init killed by signal {SIGSEGV} \(SIGSEGV\)$"],
        "forbid": [r"^hello from elk!"],
        "status": 128 + SIGSEGV,
    },
    {
        # The ISO's grub.cfg boots init=hello.
        "name": "iso",
        "iso": True,
        "expect": [r"^elk: x86-64 kernel", r"^hello from elk!"],
        "forbid": USER_FAILURE,
    },
    {
        # Calls made with NT or DF set, on both trap paths, blocking and
        # copying (NT leaking into the kernel made another thread's iretq
        # fault); then a child whose syscall in the last two bytes of user space
        # returns to a non-canonical address is killed, alone. Intel CPUs refuse
        # that iretq in ring 0 (kern/trap.c's bad_user_return); QEMU's TCG, like
        # AMD's, faults at the fetch in user mode.
        "name": "sysflags",
        "init": "leakcheck sysflags",
        "expect": [kill_line("sysflags",
                             r"general protection fault( on return to user mode)?",
                             "0x800000000000"),
                   r"^sysflags: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # arch_prctl's FS and GS bases: per thread, across switches, fork, execve
        # and a call posted on a syscall page.
        "name": "fsbase",
        "init": "leakcheck fsbase",
        "expect": [r"^fsbase: ok$", r"^fsbase: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # The stack grows on demand as far as RLIMIT_STACK at execve lets it
        # (12 MiB under 32, forking at the bottom); past a 1 MiB limit it is
        # SIGSEGV, killing or reaching a handler on an alternate stack, also when
        # setrlimit lowered it without execve, and a mapping under the stack
        # stops it above the mapping.
        "name": "stackgrow",
        "init": "leakcheck stackgrow",
        "expect": [kill_line("stackgrow", r"stack overflow \(guard page\)", r"0x7f[0-9a-f]+"),
                   r"^stackgrow: 1 MiB limit: frames reached \d+ KiB, then SIGSEGV$",
                   r"^stackgrow: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Futexes between processes as Linux keys them: shared ones on
        # MAP_SHARED anonymous, /dev/zero and file pages (at other addresses)
        # meet across fork, private ones and copy-on-write pages do not; musl's
        # process-shared mutex and condition variable across fork.
        "name": "pshared",
        "init": "leakcheck pshared",
        "expect": [r"^pshared: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # readv and writev on a pipe as on Linux: a readv fills 1 + 3 buffers
        # with the 4 bytes there; two writers' 4 KiB writevs of four buffers
        # each never interleave.
        "name": "pipevec",
        "init": "leakcheck pipevec",
        "expect": [r"^pipevec: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Close-on-exec per descriptor (open, pipe2, dup3, fcntl) and execve
        # closing exactly those; F_GETFL/F_SETFL; non-blocking pipes say EAGAIN.
        "name": "fdflags",
        "init": "leakcheck fdflags",
        "expect": [r"^fdflags: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Names on tmpfs, checked against Linux by test_linux_natively: path
        # lookup's edge cases, getdents64 after creates and unlinks, rename,
        # rmdir, an unlinked open file, links, cwd, modes and times.
        "name": "vfspaths",
        "init": "leakcheck vfspaths",
        "expect": [r"^vfspaths: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # File contents on tmpfs, checked against Linux by test_linux_natively:
        # read back across close, fork and exec; holes, truncation, O_APPEND
        # from two processes; shared and private file mappings, SIGBUS past a
        # truncated end, a shared mapping of /dev/zero.
        "name": "vfsdata",
        "init": "leakcheck vfsdata",
        "expect": [r"^vfsdata: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Corners of files, checked against Linux by test_linux_natively:
        # writev records whole among two O_APPEND writers, readv's one offset
        # move, trailing slashes with O_CREAT, O_CREAT through a dangling link,
        # O_RDONLY|O_TRUNC, mmap's flag checks, O_LARGEFILE in F_GETFL,
        # SEEK_DATA/SEEK_HOLE, a removed cwd, CLONE_FS threads against fork.
        "name": "vfsedges",
        "init": "leakcheck vfsedges",
        "expect": [r"^vfsedges: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # A tmpfs filled until memory runs out: -ENOSPC, not a panic; the data
        # reads back, a fault that needs a file page is SIGBUS, a truncation
        # frees space, and after the unlinks all of it is there again (little
        # memory, so that this is quick).
        "name": "tmpfsfull",
        "init": "leakcheck tmpfsfull",
        "mem": "64M",
        "expect": [r"^tmpfsfull: \d+ KiB in \d+ files, then -28$",
                   kill_line("tmpfsfull", r"page fault \(write, no space for the file's page\)"),
                   r"^tmpfsfull: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
        "timeout": 120,
    },
    {
        # 10,000 files created, written, read back and unlinked (some while
        # open): every page and kernel object comes back.
        "name": "vfsstorm",
        "init": "leakcheck vfsstorm",
        "expect": [r"^vfsstorm: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
        "timeout": 120,
    },
    {
        # Weenix's stress helpers: three rounds of the file tests (each in its
        # own directory under /tmp) and a busybox find, all at once, and every
        # page back at the end.
        "name": "repeat-parallel",
        "init": "leakcheck repeat 3 parallel vfsdata vfspaths files 'busybox find /bin -name hello'",
        # Their lines may interleave: no anchors but for leakcheck's, printed last.
        "expect": [r"/bin/hello", r"/bin/hello", r"/bin/hello"] + NO_LEAK,
        "forbid": [r"FAIL", r"panic: ", r"parallel: ", r"repeat: "],
        "timeout": 180,
    },
    {
        # Both helpers name the command that failed and how; repeat stops there.
        "name": "repeat-fails",
        "init": "repeat 4 parallel true fault_null \"sh -c exit 3\"",
        "expect": [r"^parallel: fault_null killed by signal 11$", r"^parallel: sh exited 3$",
                   r"^repeat: parallel exited 1$", r"^repeat: run 1 of 4 failed$",
                   r"^elk: init exited with status 1$"],
        "forbid": [r"run 2 of 4"],
        "status": 1,
    },
    {
        # A static Linux program from Debian's musl-gcc, knowing nothing of elk:
        # TLS through arch_prctl, stdio through ioctl and writev, malloc, readv.
        "name": "muslhello",
        "init": "leakcheck muslhello",
        "expect": [r"^muslhello: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # musl's pthreads on clone, futex and set_tid_address: an exact mutex
        # counter over 8 threads, a condvar handshake, TLS per thread, raw futex
        # ping-pong, clone's flag rules, vfork, exit_group and execve from a
        # threaded process; create/join rounds leak nothing; kill, tgkill,
        # masks, pending sets and fault signals among threads.
        "name": "threads",
        "init": "leakcheck threads",
        "expect": [r"^threads: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Ending a thread group (exit_group, execve) while its threads keep going
        # into and out of futex and pipe waits: an interruption that comes
        # between a wait's look at the flag and its sleep must not be lost
        # (sleep_on_interruptible); a lost one leaves a child hanging. Also on
        # four CPUs below.
        "name": "groupend",
        "init": "leakcheck groupend",
        "expect": [r"^groupend: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # glibc's busybox reads the console's settings as Linux's stty shows them.
        "name": "busybox-stty",
        "init": "busybox stty -a",
        "expect": [r"^speed 38400 baud; .*line = 0;$", r"intr = \^C; quit = \^\\; erase = \^\?",
                   r"^isig icanon iexten echo echoe echok -echonl", r"^echoctl echoke",
                   r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        # busybox's interactive shell: its line editor on the console in raw mode.
        "name": "busybox-interactive",
        "init": "busybox sh",
        # The prompt ends with a cursor-position query (ESC [6n): type after it.
        "type": [[r"# \x1b\[6n", "echo hi thr\x7fere\r"], [r"# \x1b\[6n", "exit 5\r"]],
        "expect": [r"^hi there$"],
        "forbid": USER_FAILURE,
        "status": 5,
    },
    {
        # make qemu's session: busybox's interactive shell as init on the writable
        # tmpfs at /, driven over the console as a user would, each command typed
        # once the prompt (with its cursor-position query) is back; init starts
        # the shell in a session of its own, as in make qemu.
        "name": "busybox-session",
        "init": "init busybox sh",
        "type": [[PROMPT, cmd + "\r"] for cmd in [
            "ls -l /bin/busybox /dev/null",
            "echo hi > /tmp/a; echo there >> /tmp/a; cat /tmp/a",
            "cat < /tmp/a | grep h | wc -l",
            "mkdir /top /top/d && echo data > /top/d/f && mv /top/d/f /top/d/g",
            "ln -s g /top/d/l && cp /top/d/l /top/copy && cat /top/copy",
            "find /top | sort",
            "rm /top/d/l && rm -r /top/d && ls -a /top",
            "sleep 100 &",
            "kill %1; wait %1; echo killed $?",
            "cd /top && pwd && ls",
            "repeat 2 echo again && parallel 'echo one' 'sleep 1' && echo both",
            "exit 7",
        ]],
        "expect": [r"^-rwxr-xr-x +1 0 +0 +\d+ .* /bin/busybox$",
                   r"^crw-rw-rw- +1 0 +0 +1, +3 .* /dev/null$",
                   r"^hi$", r"^there$", r"^2$", r"^data$",
                   r"^/top$", r"^/top/copy$", r"^/top/d$", r"^/top/d/g$", r"^/top/d/l$",
                   r"^\.\s+\.\.\s+copy$", r"^killed 143$", r"^/top$", r"^copy$",
                   r"^again$", r"^again$", r"^one$", r"^both$"],
        "forbid": USER_FAILURE + [r"No such file", r"can't", r"[Nn]ot found"],
        "status": 7,
    },
    {
        # Job control in make qemu's shell: a foreground job that reads the
        # console (typed to once it says it is ready, so the shell's line
        # editor has let the terminal go) is stopped by Ctrl-Z (the shell says so and lists it), brought
        # back with fg (it reads again, so it has the terminal), and ended by
        # Ctrl-C with the status a shell reports for SIGINT.
        # The job is awk, whose SIGINT is SIG_DFL, not a `sh -c` read loop:
        # busybox sh catches SIGINT and only notes it while its `read` builtin
        # prepares to poll, so a Ctrl-C landing just before that poll left the
        # job waiting for another line, as on Linux (busybox's shell_common.c:
        # "TODO race with a signal arriving just before the poll!").
        "name": "busybox-jobs",
        "init": "init busybox sh",
        "type": [[PROMPT, "busybox awk 'BEGIN{print \"rea\" \"dy\";fflush()}{print \"got \" $0;fflush()}'\r"],
                 [r"^ready$", "one\r"], [r"^got one$", "\x1a"],
                 [r"Stopped(.|\n)*" + PROMPT, "jobs\r"], [PROMPT, "fg\r"],
                 [r"fg\n.*\n", "two\r"], [r"^got two$", "\x03"],
                 [PROMPT, "echo status $?\r"], [r"status \d+", "exit 3\r"]],
        "expect": [r"^got one\r?$", r"Stopped", r"^got two\r?$", r"^status 130\r?$"],
        "forbid": USER_FAILURE + [r"can't", r"[Nn]ot found", r"init:"],
        "status": 3,
    },
    {
        # The small calls C libraries make: pread64, getcwd, umask, the limits
        # (RLIMIT_NOFILE enforced), sysinfo, getrandom; elk's wrappers, then musl's.
        "name": "posixcalls",
        "init": "leakcheck posixcalls",
        "expect": [r"^posixcalls: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # poll and ppoll: pipes, devices, the console, timeouts, wakeups, a syscall page.
        "name": "poll",
        "init": "leakcheck poll",
        "expect": [r"^poll: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Process groups and sessions, run as init (the leader of session 1).
        "name": "pgrp",
        "init": "pgrp",
        "expect": [r"^pgrp: ok$", r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        # Ctrl-C typed on the console sends SIGINT to its foreground group: a
        # child's group running `sleep 100` ends at once; init, in the
        # background, goes on.
        "name": "ctrlc",
        "init": "ctrlc",
        "type": [[r"ctrlc: ready", "\x03"]],
        "expect": [r"^ctrlc: ready", r"^(\^C)?ctrlc: sleep 100 ended by SIGINT$",
                   r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        # Ctrl-Z typed on the console stops the foreground group (a musl
        # child in a group of its own); wait4 sees the SIGTSTP stop, the
        # parent continues it and its blocked read goes on.
        "name": "ctrlz",
        "init": "leakcheck ctrlz",
        "type": [[r"ctrlz: ready", "\x1a"]],
        "expect": [r"^ctrlz: ready", r"^ctrlz: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Job control: stops and continues seen by wait4 and SIGCHLD with
        # Linux's statuses, a stopped threaded child's threads all stopped,
        # SIGCHLD ignored or SA_NOCLDWAIT reaping children, SA_NOCLDSTOP.
        "name": "jobctl",
        "init": "leakcheck jobctl",
        "expect": [r"^jobctl: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # A signal interrupts the blocked call a syscall thread runs for the
        # process: the entry completes with -EINTR, the handler runs in the
        # user thread. A stop interrupts such a call the same way.
        "name": "flexscsig",
        "init": "leakcheck flexscsig",
        "expect": [r"^flexscsig: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Signals through musl's sigaction: registers (general and SSE) intact
        # across a fault's handler, siglongjmp out of SIGSEGV, masks and flags,
        # pending while blocked, sigaltstack, SIGPIPE, SIGCHLD with wait4, EINTR
        # and SA_RESTART on a blocked read, and the refusals.
        "name": "signals",
        "init": "leakcheck signals",
        "expect": [r"^signals: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Linux corners: a blocked signal pends even when ignored; kill finds
        # an unreaped zombie and its group; clone's exit signal reaches the
        # parent, and wait4's __WCLONE and __WALL choose clone children.
        "name": "sigedges",
        "init": "leakcheck sigedges",
        "expect": [r"^sigedges: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        "name": "libcinfo",
        "init": "leakcheck libcinfo",
        "expect": [r"^libcinfo: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # musl's printf formats doubles and long doubles exactly as C says:
        # %f, %e, %g, %a, widths, ties to even, nan/inf, DBL_MAX in full.
        "name": "fmtfloat",
        "init": "fmtfloat",
        "expect": [r"^fmtfloat: pi 3\.141593 e 2\.718 third 0\.333333$", r"^fmtfloat: ok$"],
        "forbid": USER_FAILURE,
    },
    {
        # musl's malloc, free and realloc in four threads over brk and mmap:
        # many sizes, random free order, blocks freed by another thread,
        # contents checked; everything the kernel gave comes back.
        "name": "mallocstress",
        "init": "leakcheck mallocstress",
        "expect": [r"^mallocstress: 4 threads, 1500 operations each, sizes 1 byte to 384 KiB$",
                   r"^mallocstress: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Debian's busybox-static, a glibc static program, unmodified. Its shell
        # parses and runs a command line (quoted on the kernel command line) and
        # ends with the status the script chose.
        "name": "busybox-sh",
        "init": "busybox sh -c 'echo a; echo b; exit 3'",
        "expect": [r"^a$", r"^b$", r"^elk: init exited with status 3$"],
        "status": 3,
    },
    {
        # busybox's shell forks (clone with CLONE_CHILD_SETTID, as glibc's fork),
        # execs busybox again for an external command, and waits for its status.
        "name": "busybox-fork",
        "init": "busybox sh -c 'busybox sleep 1; busybox false; echo done $?'",
        "expect": [r"^done 1$", r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        # A busybox script over the writable tmpfs: redirection, a pipe from find
        # into xargs grep, wc on redirected input, a background job ended by kill,
        # mv, a symbolic link, rm -r, and the removed tree gone.
        "name": "busybox-files",
        "init": "busybox sh -c 'mkdir -p /tmp/s/d; echo needle > /tmp/s/d/x; echo hay > /tmp/s/y; "
                "find /tmp/s -type f | xargs grep -l needle; cat < /tmp/s/y | wc -c; "
                "sleep 100 & kill $!; wait $!; echo killed $?; mv /tmp/s/y /tmp/s/z; "
                "ln -s z /tmp/s/l; cat /tmp/s/l; ls /tmp/s; rm -r /tmp/s; ls /tmp/s; echo end'",
        "expect": [r"^/tmp/s/d/x$", r"^4$", r"^killed 143$", r"^hay$", r"^d +l +z$",
                   r"^ls: /tmp/s: No such file or directory$", r"^end$",
                   r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        # busybox's env adds to the environment it prints, and gives back every
        # page (leakcheck).
        "name": "busybox-env",
        "init": "leakcheck busybox env E1=x 'E2=y z'",
        "expect": [r"^E1=x$", r"^E2=y z$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # busybox's own echo applet (not the shell's builtin), its exact line.
        "name": "busybox-echo",
        "init": "/bin/busybox echo hello   'two  words' -n",
        "expect": [r"^hello two  words -n$", r"^elk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        # The shell's two commands, exactly their two lines, and status 0.
        "name": "busybox-sh-exact",
        "init": "busybox sh -c 'echo a; echo b'",
        "expect": [r"^a\nb\nelk: init exited with status 0$"],
        "forbid": USER_FAILURE,
    },
    {
        # busybox's sleep: a second's nanosleep, then its status.
        "name": "busybox-sleep",
        "init": "busybox sleep 1",
        "expect": [r"^elk: init exited with status 0$"],
    },
    {
        "name": "busybox-sleep-refused",
        "init": "busybox sleep bad",
        "expect": [r"sleep: invalid number 'bad'", r"^elk: init exited with status 1$"],
        "status": 1,
    },
    {
        # 1 MiB through a pipe between processes, end of file, -EPIPE.
        "name": "pipe",
        "init": "leakcheck pipe",
        "expect": [r"^pipe: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        "name": "files",
        "init": "leakcheck files",
        "expect": [r"^files: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Two tmpfs mounts and / have three device numbers, all of major 0. No
        # leakcheck: mounts stay (there is no umount).
        "name": "mountdev",
        "init": "files mounts",
        "expect": [r"^files: ok$"],
        "forbid": USER_FAILURE,
    },
    {
        "name": "fdlimit",
        "init": "leakcheck fdlimit",
        "expect": [r"^fdlimit: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # JOS-style IPC: ping-pong, page copies, -ESRCH, a syscall-thread receiver.
        "name": "ipc",
        "init": "leakcheck ipc",
        "expect": [kill_line("ipc", r"page fault \(write, protection\)", "0x200000000000"),
                   r"^ipc: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Each side of a fork sees only its own writes, in every kind of memory and
        # down a chain of six nested forks.
        "name": "cow",
        "init": "leakcheck cow",
        "expect": [r"^cow: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Split areas are taken over whole after fork and reap; pages a munmap left
        # in a layer shared with a child are freed once the child is reaped;
        # fork/exit rounds on a split area leave chains of length one.
        "name": "cowlayers",
        "init": "leakcheck cowlayers",
        "expect": [r"^cowlayers: split by mprotect, child reaped, 63 pages rewritten: cost 0 pages$",
                   r"^cowlayers: split by munmap, child reaped, 63 pages rewritten: cost 0 pages$",
                   r"^cowlayers: 1024 pages touched, upper half unmapped under a child, "
                   r"child reaped: cost \d+ pages$",
                   r"^cowlayers: 200 rounds on a split area, in use after 3: (\d+) pages (\d+) "
                   r"objects, after the last: \1 pages \2 objects$",
                   r"^cowlayers: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        "name": "forkloop",
        "init": "leakcheck forkloop 200",
        "expect": [r"^forkloop: 200 rounds, in use after 3: (\d+) pages (\d+) objects, "
                   r"after the last: \1 pages \2 objects$",
                   r"^forkloop: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        "name": "lazy",
        "init": "leakcheck lazy",
        "expect": [r"^lazy: 256 MiB mapped, one page touched: [1-8] pages$",
                   r"^lazy: brk grown by 64 MiB, one page touched: [1-8] pages$",
                   r"^lazy: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        "name": "vmfaults",
        "init": "leakcheck vmfaults",
        "expect": [kill_line("vmfault", r"page fault \(write, not mapped\)"),
                   r"^vmfaults: after-munmap killed by SIGSEGV as expected$",
                   kill_line("vmfault", r"page fault \(write, not mapped\)"),
                   r"^vmfaults: beyond-brk killed by SIGSEGV as expected$",
                   kill_line("vmfault", r"page fault \(read, protection\)"),
                   r"^vmfaults: prot-none killed by SIGSEGV as expected$",
                   kill_line("vmfault", r"page fault \(write, protection\)"),
                   r"^vmfaults: write-readonly killed by SIGSEGV as expected$",
                   kill_line("vmfault", r"stack overflow \(guard page\)"),
                   r"^vmfaults: stack-guard killed by SIGSEGV as expected$",
                   kill_line("vmfault", r"page fault \(exec, protection\)"),
                   r"^vmfaults: exec-data killed by SIGSEGV as expected$",
                   r"^vmfaults: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # A child touches more memory than the machine has.
        "name": "oom",
        "init": "leakcheck oom",
        "expect": [oom_line("oom"), r"^oom: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE + [r"killed: out of memory"],
        "timeout": 120,
    },
    {
        # The per-process cap (MAXCHILDREN) and the table (NPROC), each reached.
        "name": "forkbomb",
        "init": "leakcheck forkbomb",
        "expect": [r"^forkbomb: one parent got 32 children, then -EAGAIN$",
                   r"^forkbomb: the tree filled the table at 64 processes, then -EAGAIN$",
                   r"^forkbomb: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # wait4 statuses (SIGFPE, SIGBUS), WNOHANG, -ECHILD, execve with arguments
        # and an environment, orphans.
        "name": "exectest",
        "init": "leakcheck exectest",
        "expect": [kill_line("exectest", r"page fault \(read, beyond end of file\)"),
                   r"^exec with arguments$",
                   r"^argv\[1\]=from-exectest$", r"^envp\[0\]=ELK=1$",
                   r"^envp\[1\]=MODE=exectest$", r"^envc=2$", r"^args: ok$",
                   r"^exectest: orphan adopted by init$",
                   r"^exectest: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # The demo: getpid/getppid, a batch of eight writes, a fresh mmap filled by
        # a syscall thread's read, fork on the page, a summary. The batch's entries
        # are not linked, so its lines come in any order: eight in a row, each once,
        # and one trap for the whole batch.
        "name": "flexsc-demo",
        "init": "leakcheck flexsc",
        "expect": [r"^flexsc: registered one syscall page at 0x[0-9a-f]+, 4 syscall threads$",
                   r"^flexsc: getpid says \d+ and getppid says \d+, one call through the page "
                   r"each$",
                   r"(?:^flexsc: batch write [1-8] of 8\n){8}",
                   DEMO_ONE_TRAP,
                   r"^flexsc: a read through the page put 27 bytes into an untouched mmap buffer "
                   r'across two pages: "filled by a syscall thread"$',
                   r"(?s)^flexsc: child: getpid says (\d+) and getppid says (\d+), through a page "
                   r"of its own$"
                   r".*^flexsc: parent: getpid says \2; wait4 says child \1 exited with status 0$",
                   r"^flexsc: this process made \d+ calls through the page and took \d+ traps "
                   r"\(flexsc_wait\) for them: \d+\.\d calls per trap$",
                   r"^flexsc: (?:one CPU, so no syscall core to show|2000 getcpu calls from CPU 0, "
                   r"served by a polling syscall thread on CPU mask 0x[2468ace]: 0 system-call "
                   r"traps by the caller, 0 flexsc_wait, 0 flexsc_wake$)"] + NO_LEAK,
        "forbid": USER_FAILURE + [r"(?s)^flexsc: batch write (\d) of 8$.*^flexsc: batch write \1 "
                                  r"of 8$"],
    },
    {
        # The demo's last part on 4 CPUs: getcpu entries from CPU 0 served by a
        # polling syscall thread on another core, with no trap anywhere.
        "name": "flexsc-demo-smp4",
        "init": "leakcheck flexsc",
        "smp": 4,
        "expect": [r"^flexsc: this process made \d+ calls through the page",
                   r"^flexsc: 2000 getcpu calls from CPU 0, served by a polling syscall thread "
                   r"on CPU mask 0x[2468ace]: 0 system-call traps by the caller, 0 flexsc_wait, "
                   r"0 flexsc_wake$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        "name": "flexsc-ipc-demo",
        "init": "leakcheck flexscipc 300",
        "expect": [r"^flexscipc: 300 round trips with a child, each a value sent and its reply "
                   r"\(value \+ 1\) received, every 100th with a page lent and sent back, "
                   r"all through the two processes' syscall pages: \d+ ms in all",
                   r"^flexscipc: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Batches, blocking entries, faulting buffers, -EFAULT, fork and exit on the
        # page, garbage, isolation, registration errors, an unmapped page.
        "name": "flexsctest",
        "init": "leakcheck flexsctest",
        "expect": [r"^flexsctest: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Tags and linked entries: a chain in order behind a blocked leader, a
        # failed link cancelling the rest (an exit_group too), tags back with
        # their results, unwaited entries completing, exit with a chain pending.
        "name": "flexsclinks",
        "init": "leakcheck flexsclinks",
        "smp": 1,
        "expect": [r"^flexsclinks: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        "name": "flexsclinks-smp2",
        "init": "leakcheck flexsclinks",
        "smp": 2,
        "expect": [r"^flexsclinks: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        "name": "flexsclinks-smp4",
        "init": "leakcheck flexsclinks",
        "smp": 4,
        "expect": [r"^flexsclinks: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Seven registered processes at once on 4 CPUs, with the caller's core,
        # syscall cores and polling ones (sleeping and woken, or forever), each
        # with batches and a linked write -> read, exiting with entries pending.
        "name": "flexscmix-smp4",
        "init": "leakcheck flexscmix",
        "smp": 4,
        "expect": [r"^flexscmix: 7 registered processes with mixed placements on 4 CPUs, "
                   r"300 rounds each$", r"^flexscmix: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        # Around the calls: exit and execve stop the page, fork during another
        # call and with entries pending, a partly unmapped page across fork, more
        # blocked calls than threads, waiting for one entry, two processes at once.
        "name": "flexsclife",
        "init": "leakcheck flexsclife",
        "expect": [r"^flexsclife: echo ran$", r"^flexsclife: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        "name": "flexscgrow",
        # Pools that together want more kernel stacks than 128 MiB allows: the
        # one refused growth hears -EAGAIN/-ENOMEM, and all finish once fed.
        "init": "leakcheck flexscgrow",
        "mem": "128M",
        "expect": [r"^flexscgrow: \d+ children wanted \d+ kernel stacks of \d+; [1-9]\d* were "
                   r"refused growth$", r"^flexscgrow: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
        "timeout": 180,
    },
    {
        # The random-syscall fuzzer (user/fuzz.c), a short campaign on each trap
        # path and the page: its verdict, the kernel's memory in use back exactly
        # once every process of the run is reaped. The second seed runs on two CPUs.
        # A hang is reported by the fuzzer itself after 60 s, within the timeout.
        "name": "fuzz-seed1",
        "init": "fuzz 1 20000",
        "expect": FUZZ_OK,
        "forbid": USER_FAILURE,
        "timeout": 150,
    },
    {
        "name": "fuzz-seed2-smp2",
        "init": "fuzz 2 20000",
        "smp": 2,
        "expect": FUZZ_OK,
        "forbid": USER_FAILURE,
        "timeout": 150,
    },
    {
        # Syscall threads pinned to the CPUs the user thread is not on, with and
        # without polling: getcpu on the page, a polled steady load without a
        # trap, the control page's wakeup flag (user/flexsccores.c).
        "name": "flexsccores",
        "init": "leakcheck flexsccores",
        "smp": 2,
        "expect": [r"^flexsccores: 10000 entries served by a polling syscall core: 0 "
                   r"system-call traps, 0 flexsc_wait, 0 flexsc_wake$",
                   r"^flexsccores: placement and polling on 2 CPUs$",
                   r"^flexsccores: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
        "timeout": 180,
    },
    {
        "name": "flexsccores-smp4",
        "init": "leakcheck flexsccores",
        "smp": 4,
        "expect": [r"^flexsccores: 10000 entries served by a polling syscall core: 0 "
                   r"system-call traps, 0 flexsc_wait, 0 flexsc_wake$",
                   r"^flexsccores: placement and polling on 4 CPUs$",
                   r"^flexsccores: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
        "timeout": 240,
    },
    {
        "name": "flexscstress",
        "init": "leakcheck flexscstress",
        "expect": [r"^flexscstress: 100032 calls, \d+ flexsc_wait traps$",
                   r"^flexscstress: 200 register/exit cycles$", r"^flexscstress: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
        "timeout": 180,
    },
    {
        # The crash runs on the last CPU: a kernel fault on an AP is reported as
        # on the boot CPU, and the panic stops the other CPU.
        "name": "kernel-panic-ap",
        "options": "crashtest",
        "init": "hello",
        "smp": 2,
        "expect": [r"^elk: x86-64 kernel, .*; 2 CPUs$",
                   r"^elk: crashtest: writing to unmapped address 0xdead0000 on CPU 1$",
                   r"^elk: kernel fault: page fault in kernel mode$",
                   r"^  trap 14 \(page fault\), err 0x2, on CPU 1$", r"cr2 00000000dead0000",
                   r"^elk: kernel panic at kern/trap\.c:\d+: ",
                   r"^elk: the panic was on CPU 1; the other CPUs are stopped$", r"^backtrace:$"],
        "forbid": [r"^hello from elk!"],
        "allow_panic": True,
        "status": 255,
    },
    {
        # The debug build's lock checker: two locks taken against their ranks.
        "name": "lock-order",
        "options": "locktest",
        "init": "hello",
        "expect": [r"^elk: locktest: taking selftest-inner, then selftest-outer$",
                   r"^elk: kernel panic at \./kern/spinlock\.h:\d+: lock order: CPU 0 takes "
                   r"selftest-outer \(rank \d+\) while holding selftest-inner \(rank \d+\)$"],
        "forbid": [r"^hello from elk!"],
        "allow_panic": True,
        "status": 255,
    },
    {
        # The lock checker: a sleep lock taken with a spinlock held.
        "name": "lock-sleep",
        "options": "locktest-sleep",
        "init": "hello",
        "expect": [r"^elk: locktest-sleep: taking sleep lock selftest-sleep with selftest-outer held$",
                   r"^elk: kernel panic at kern/sleeplock\.c:\d+: lock order: sleep lock "
                   r"selftest-sleep taken with spinlock selftest-outer held \(CPU 0\)$"],
        "forbid": [r"^hello from elk!"],
        "allow_panic": True,
        "status": 255,
    },
    {
        # The lock checker: CPU 1 releases a spinlock CPU 0 holds; CPU 1 waits
        # for a flag CPU 0 sets once it holds the lock, so no timing matters.
        "name": "lock-wrongcpu",
        "options": "locktest-wrongcpu",
        "init": "hello",
        "smp": 2,
        "expect": [r"^elk: locktest-wrongcpu: CPU 0 takes selftest-outer$",
                   r"^elk: locktest-wrongcpu: CPU 1 releases selftest-outer$",
                   r"^elk: kernel panic at \./kern/spinlock\.h:\d+: spin_unlock: selftest-outer "
                   r"released by CPU 1 but held by CPU 0$",
                   r"^elk: the panic was on CPU 1; the other CPUs are stopped$"],
        "forbid": [r"^hello from elk!"],
        "allow_panic": True,
        "status": 255,
    },
    {
        # locktest-wrongcpu on one CPU says it cannot run rather than pass.
        "name": "lock-wrongcpu-1cpu",
        "options": "locktest-wrongcpu",
        "init": "hello",
        "smp": 1,
        "expect": [r"^elk: cannot start init: locktest-wrongcpu needs 2 CPUs, and 1 runs$"],
        "forbid": [r"^hello from elk!", r"kernel panic"],
        "status": 127,
    },
    {
        "name": "cpus-4",
        "init": "cpus 4",
        "smp": 4,
        "expect": [r"^elk: x86-64 kernel, .*; 4 CPUs$",
                   r"^cpus: 4 CPUs up, each ran this program and took ticks$", r"^cpus: ok$"],
        "forbid": USER_FAILURE,
    },
    {
        # The CPUs found in the MADT, as on every boot that does not say noacpi.
        "name": "cpus-acpi",
        "init": "cpus 2",
        "smp": 2,
        "expect": [r"^elk: CPUs from the ACPI MADT: 2 listed$",
                   r"^elk: x86-64 kernel, .*; 2 CPUs$",
                   r"^cpus: 2 CPUs up, each ran this program and took ticks$", r"^cpus: ok$"],
        "forbid": USER_FAILURE + [r"MP tables"],
    },
    {
        # noacpi: the CPUs found in SeaBIOS's MP tables instead. SeaBIOS lists
        # one processor per socket there, so each CPU is a socket of its own.
        "name": "cpus-noacpi-2",
        "options": "noacpi",
        "init": "cpus 2",
        "smp": "2,sockets=2",
        "expect": [r"^elk: CPUs from the MP tables: 2 listed$",
                   r"^elk: x86-64 kernel, .*; 2 CPUs$",
                   r"^cpus: 2 CPUs up, each ran this program and took ticks$", r"^cpus: ok$"],
        "forbid": USER_FAILURE + [r"ACPI MADT", r"ignored"],
    },
    {
        "name": "cpus-noacpi-4",
        "options": "noacpi",
        "init": "cpus 4",
        "smp": "4,sockets=4",
        "expect": [r"^elk: CPUs from the MP tables: 4 listed$",
                   r"^elk: x86-64 kernel, .*; 4 CPUs$",
                   r"^cpus: 4 CPUs up, each ran this program and took ticks$", r"^cpus: ok$"],
        "forbid": USER_FAILURE + [r"ACPI MADT", r"ignored"],
    },
    {
        # One CPU more than elk runs: reported, and the one past the limit ignored.
        "name": "cpus-17",
        "init": "cpus 16",
        "smp": 17,
        "mem": "512M",
        "expect": [r"^elk: CPUs from the ACPI MADT: 17 listed$",
                   r"^elk: 17 CPUs listed, and elk runs at most 16; the others are ignored$",
                   r"^elk: x86-64 kernel, .*; 16 CPUs$",
                   r"^cpus: 16 CPUs up, each ran this program and took ticks$", r"^cpus: ok$"],
        "forbid": USER_FAILURE,
        "timeout": 180,
    },
    {
        "name": "cpus-16",
        "init": "cpus 16",
        "smp": 16,
        "mem": "512M",
        "expect": [r"^elk: x86-64 kernel, .*; 16 CPUs$",
                   r"^cpus: 16 CPUs up, each ran this program and took ticks$", r"^cpus: ok$"],
        "forbid": USER_FAILURE,
        "timeout": 180,
    },
    {
        "name": "cpus-1",
        "smp": 1,
        "init": "cpus 1",
        "expect": [r"^elk: x86-64 kernel, .*; 1 CPU$", r"^cpus: ok$"],
        "forbid": USER_FAILURE,
    },
    {
        # Two CPU-bound processes on two CPUs: each gets a fair part, both CPUs run them.
        "name": "cpushare-2",
        "init": "leakcheck cpushare 2 3",
        "smp": 2,
        "expect": [r"^cpushare: process 0 counted", r"^cpushare: process 1 counted",
                   r"^cpushare: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        "name": "cpushare-4",
        "init": "leakcheck cpushare 4 4",
        "smp": 4,
        "expect": [r"^cpushare: process 3 counted", r"^cpushare: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
        "timeout": 120,
    },
    {
        "name": "affinity",
        "smp": 1,
        "init": "leakcheck affinity",
        "expect": [r"^affinity: checked on 1 CPUs$", r"^affinity: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
    },
    {
        "name": "affinity-4",
        "init": "leakcheck affinity",
        "smp": 4,
        "expect": [r"^affinity: checked on 4 CPUs$", r"^affinity: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
        "timeout": 120,
    },
    {
        # fork, exec, exit and wait from eight workers at once on four CPUs.
        "name": "storm-4",
        "init": "leakcheck storm 2000 8",
        "smp": 4,
        "expect": [r"^storm: 2000 processes by 8 workers on 4 CPUs$", r"^storm: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
        "timeout": 400,
    },
    {
        "name": "groupend-smp4",
        "init": "leakcheck groupend",
        "smp": 4,
        "expect": [r"^groupend: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
        "timeout": 180,	# four vCPUs on a loaded two-core host: 35 s seen
    },
    {
        # munmap on CPU 0 while a syscall thread on CPU 1 copies into the memory.
        "name": "shootdown",
        "init": "leakcheck shootdown 500",
        "smp": 2,
        "expect": [r"^shootdown: 500 rounds on 2 CPUs: \d+ reads whole, \d+ cut short, "
                   r"\d+ -EFAULT$", r"^shootdown: ok$"] + NO_LEAK,
        "forbid": USER_FAILURE,
        "timeout": 120,
    },
]

# Every case without an `smp` of its own runs a second time on more CPUs, as
# NAME-smpN: N is 2, or what the environment's TEST_SMP says (make test
# TEST_SMP=4 runs the suite on one and four CPUs). A case may stay on one CPU
# only by a line here saying why; none needs to.
ONE_CPU_ONLY = {
}
VARIANT_SMP = int(os.environ.get("TEST_SMP", "2"))
# Expectations that hold on one CPU only, and what the copies on more CPUs
# expect instead, with the reason.
MORE_CPUS_EXPECT = {
    # Syscall threads on different CPUs finish parts of a batch at different
    # times, and the first to go idle wakes the waiter, which may then trap
    # again for an entry another thread is still running.
    DEMO_ONE_TRAP: DEMO_ONE_TRAP.replace("after 1 ", r"after \d+ "),
}


def pthreads_cases(prog, expect, musl_expect=(), flexsc_expect=()):
    """user/pthreads/PROG built both ways, PROG (musl's pthreads) and
    PROG.flexsc (FlexSC-Threads), under leakcheck: the same EXPECT lines of
    each, then MUSL_EXPECT of PROG and FLEXSC_EXPECT of PROG.flexsc."""
    return [{"name": name, "init": f"leakcheck {name}",
             "expect": list(expect) + list(more) + [rf"^{prog}: ok$"] + NO_LEAK,
             "forbid": USER_FAILURE + [r"^fthreads: "]}
            for name, more in ((prog, musl_expect), (prog + ".flexsc", flexsc_expect))]


# The unmodified threaded programs of docs/flexsc-threads.md. ptcounter: 64
# threads add under one contended mutex; mutex types, trylock, keys.
CASES += pthreads_cases(
    "ptcounter", [r"^ptcounter: 64 threads, counter 64000, 64 destructors$"])
# ptprodcons: producer-consumer over condition variables into a pipe; timed
# waits, semaphores, a barrier, once, rwlocks.
CASES += pthreads_cases(
    "ptprodcons", [r"^ptprodcons: 2000 items through the buffer and the pipe, sum 501000$"])
# ptsleepers: 1,000 threads nanosleep, then write to a pipe main reads.
CASES += pthreads_cases(
    "ptsleepers", [r"^ptsleepers: 1000 threads slept and wrote, 1000 numbers read, 0 twice$"])
# ptpipes: readers blocked in read on pipes another process feeds while
# workers run; with FlexSC-Threads one kernel thread makes more than one call
# per trap (at least 2.0, a behaviour, not a speed: a batch of posted writes
# is one flexsc_wait).
CASES += pthreads_cases(
    "ptpipes", [r"^ptpipes: 8 workers finished 200 writes each while 4 readers waited$"],
    [r"^ptpipes: 1680 calls, \d+ traps on 13 kernel threads, \d+\.\d calls per trap$"],
    [r"^ptpipes: 1680 calls, \d+ traps on 1 kernel threads, ([2-9]|[1-9]\d+)\.\d calls per trap$"])


def smp_variants(cases):
    """CASES followed by a VARIANT_SMP-CPU copy of each one that does not choose its CPUs."""
    extra = [dict(c, name=f"{c['name']}-smp{VARIANT_SMP}", smp=VARIANT_SMP,
                  expect=[MORE_CPUS_EXPECT.get(rx, rx) for rx in c.get("expect", [])])
             for c in cases if "smp" not in c and c["name"] not in ONE_CPU_ONLY]
    return cases + extra


CASES = smp_variants(CASES)
