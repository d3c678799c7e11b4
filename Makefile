# elk build. `make help` lists the targets; README.md explains them.

OBJDIR := obj
V ?= @

# An x86_64-elf- cross toolchain when present, else the host gcc with freestanding flags.
GCCPREFIX ?= $(shell if command -v x86_64-elf-gcc >/dev/null 2>&1; then echo x86_64-elf-; fi)
CC      := $(GCCPREFIX)gcc
LD      := $(GCCPREFIX)ld
AR      := $(GCCPREFIX)ar
OBJDUMP := $(GCCPREFIX)objdump
PYTHON  ?= python3
QEMU    ?= qemu-system-x86_64
GDB     ?= gdb

# On a fresh machine, install what the goals at hand need before anything else:
# tools/setup-deps.sh names its groups of Debian packages, is silent when they
# are there, and says what it installs and why. Building needs only "build".
deps_of_goal = $(if $(filter clean help deps,$1),,$(if $(filter plots,$1),plots,\
	$(if $(filter gdb,$1),debug,build $(if $(filter run-% selftest qemu qemu-gdb,$1),run)\
	$(if $(filter test host-tests,$1),test run iso) $(if $(filter iso %.iso,$1),iso)\
	$(if $(filter bench,$1),run plots))))
DEPS_GROUPS := $(sort $(foreach g,$(or $(MAKECMDGOALS),all),$(call deps_of_goal,$(g))))
ifneq ($(DEPS_GROUPS),)
ifneq ($(shell CC=$(CC) LD=$(LD) AR=$(AR) OBJDUMP=$(OBJDUMP) PYTHON=$(PYTHON) \
	MUSL_CC=$(MUSL_CC) tools/setup-deps.sh $(DEPS_GROUPS) 1>&2 || echo missing),)
$(error make $(MAKECMDGOALS) needs the packages named above)
endif
endif

# Flags shared by everything that runs in the guest: no host headers or libc.
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
	-fno-stack-protector -fno-pic -fno-pie -fno-omit-frame-pointer \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) -I. -MMD -MP

# DEBUG=1 (the default, and what make test runs) builds the kernel with the lock
# checker and page poisoning (docs/locking.md, docs/memory.md); DEBUG=0 without.
# make bench measures the kernel without them unless DEBUG=1 is asked for.
ifneq ($(filter bench,$(MAKECMDGOALS)),)
DEBUG ?= 0
endif
DEBUG ?= 1
KERN_CFLAGS := $(GUEST_CFLAGS) -DELK_KERNEL -mcmodel=kernel -mno-red-zone \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables
ifeq ($(DEBUG),1)
KERN_CFLAGS += -DELK_DEBUG
endif
KERN_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T kern/kernel.ld

USER_CFLAGS := $(GUEST_CFLAGS) -fno-asynchronous-unwind-tables
USER_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T user/user.ld

# Host unit tests: kernel data structures compiled for the host with sanitizers.
HOST_CC     := gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -DELK_HOST_TEST \
	-fsanitize=address,undefined -fno-sanitize-recover=all

# QEMU, which tools/elkrun.py starts for every boot target (the serial console
# on stdio, isa-debug-exit to end QEMU when init exits).
QEMU_MEM  ?= 256M
QEMU_SMP  ?= 1
QEMU_ACCEL ?= tcg,thread=multi

all: kernel initrd

include kern/Makefrag
include lib/Makefrag
include bench/Makefrag
include user/Makefrag
include tests/Makefrag

.PHONY: all kernel initrd selftest fuzz qemu qemu-gdb gdb iso test test-repeat clean help deps FORCE

kernel: $(KERNEL)
initrd: $(INITRD)

deps:
	$(V)tools/setup-deps.sh --report all

# make qemu [INIT=name] [ARGS="a b"]: a session on this terminal through elkrun,
# which says how to leave (Ctrl-A X, or exit in the shell) and succeeds when the
# user leaves.
INIT ?= sh
ELKRUN_BOOT = $(PYTHON) tools/elkrun.py --kernel $(KERNEL) --initrd $(INITRD) --qemu $(QEMU) \
	--mem $(QEMU_MEM) --smp $(QEMU_SMP) --accel $(QEMU_ACCEL)
qemu: all
	$(V)$(ELKRUN_BOOT) --interactive --qemu-args "$(QEMUEXTRA)" -- $(INIT) $(ARGS)

# make run-NAME [ARGS="a b"] [TIMEOUT=seconds]: boot with init=NAME; make succeeds
# exactly when the program exits 0.
run-%: all
	$(V)$(ELKRUN_BOOT) --qemu-args "$(QEMUEXTRA)" $(if $(TIMEOUT),--timeout $(TIMEOUT)) -- $* $(ARGS)

# make fuzz [SEED=n] [CALLS=n] [SMP=n] [TRACE=1]: boot the random-syscall fuzzer
# (user/fuzz.c) as init; a new seed each run unless SEED is given. It succeeds
# exactly when the fuzzer's verdict is ok; a failure prints the command to replay.
SEED ?= $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
CALLS ?= 1000000
fuzz: all
	$(V)$(PYTHON) tools/elkrun.py --kernel $(KERNEL) --initrd $(INITRD) --qemu $(QEMU) \
		--mem $(QEMU_MEM) --smp $(or $(SMP),$(QEMU_SMP)) --accel $(QEMU_ACCEL) \
		--qemu-args "$(QEMUEXTRA)" -- fuzz $(SEED) $(CALLS) $(if $(TRACE),trace)

# make selftest: boot the in-kernel self-tests (allocator, page tables, ...).
selftest: all
	$(V)$(ELKRUN_BOOT) --qemu-args "$(QEMUEXTRA)" --options selftest

GDB_PORT ?= 1234
qemu-gdb: all
	@echo "QEMU waits for gdb on localhost:$(GDB_PORT); run 'make gdb' in another terminal."
	$(V)$(ELKRUN_BOOT) --interactive --qemu-args "-S -gdb tcp:127.0.0.1:$(GDB_PORT) $(QEMUEXTRA)" \
		-- $(INIT) $(ARGS)

# make gdb: attach to make qemu-gdb; fails at once when nothing listens on the port.
gdb:
	$(V)bash -c 'exec 3<>/dev/tcp/127.0.0.1/$(GDB_PORT)' 2>/dev/null || \
		{ echo "make gdb: nothing listens on localhost:$(GDB_PORT); start 'make qemu-gdb' in another terminal first" >&2; exit 1; }
	$(V)$(GDB) -q -iex "set tcp auto-retry off" -ex "target remote 127.0.0.1:$(GDB_PORT)" $(KERNEL)

# The ISO boots ISO_INIT (non-interactive by default, so that the test suite can
# boot it); make iso ISO_INIT=sh gives a shell. ISO_INIT is kept in $(ISO).init,
# rewritten only when it changes, so that a new choice rebuilds the image; its
# text reaches grub.cfg through that file, never through a shell command. ISO
# may name another image (tests/test_iso_init.py builds one of its own).
ISO ?= $(OBJDIR)/elk.iso
ISO_INIT ?= hello
# $(call shquote,TEXT): TEXT as one single-quoted shell word.
shquote = '$(subst ','\'',$(1))'
iso: $(ISO)
$(ISO).init: FORCE
	@mkdir -p $(@D)
	$(V)printf '%s\n' $(call shquote,$(ISO_INIT)) > $@.new && \
		{ cmp -s $@.new $@ && rm $@.new || mv $@.new $@; }
$(ISO): $(KERNEL) $(INITRD) tools/grub.cfg tools/mkgrubcfg.py $(ISO).init
	@echo + iso $@
	$(V)rm -rf $@.dir && mkdir -p $@.dir/boot/grub
	$(V)cp $(KERNEL) $@.dir/boot/elk
	$(V)cp $(INITRD) $@.dir/boot/initrd
	$(V)$(PYTHON) tools/mkgrubcfg.py tools/grub.cfg $@.init > $@.dir/boot/grub/grub.cfg
	$(V)grub-mkrescue -o $@ $@.dir >$@.log 2>&1 || { cat $@.log; exit 1; }
FORCE:

# make test [TESTS="prefix ..."]: host unit tests and QEMU cases, in parallel.
RUNTESTS = $(PYTHON) tools/runtests.py --kernel $(KERNEL) --initrd $(INITRD) --iso $(ISO) \
	--qemu $(QEMU) --accel $(QEMU_ACCEL) --host $(HOST_TESTS) -- $(TESTS)
test: all $(HOST_TESTS) $(ISO)
	$(V)$(RUNTESTS)

# make test-repeat [N=30] [LOAD=1] [TESTS=...]: the suite N times in a row, to find
# flaky cases; LOAD=1 runs a busy process per host CPU beside it (docs/testing.md).
N ?= 30
test-repeat: all $(HOST_TESTS) $(ISO)
	$(V)$(PYTHON) tools/repeattests.py --runs $(N) $(if $(LOAD),--load) -- $(RUNTESTS)

clean:
	rm -rf $(OBJDIR)

help:
	@echo "make                 build kernel and initrd"
	@echo "make run-NAME        boot with init=NAME (ARGS=\"a b\" passes arguments, TIMEOUT=s)"
	@echo "make selftest        boot the in-kernel self-tests"
	@echo "make fuzz            random-syscall fuzzer (SEED=n CALLS=n SMP=n TRACE=1)"
	@echo "make qemu            a session on this terminal (INIT=sh ARGS=...); leave with exit or Ctrl-A X"
	@echo "make qemu-gdb / gdb  boot stopped for gdb / attach gdb"
	@echo "make iso             GRUB rescue image obj/elk.iso (ISO_INIT=hello)"
	@echo "make test            host unit tests and the QEMU test suite (TESTS=\"prefix ...\")"
	@echo "make test-repeat     the suite N times in a row, per-run results (N=30 LOAD=1 TESTS=...)"
	@echo "make bench           benchmark sweep to obj/bench/ (QUICK=1 ICOUNT=1 RUNS=n; REFERENCE=1: bench/)"
	@echo "make plots           redraw the plots from the CSV in bench/ and obj/bench/"
	@echo "make host-tests      only the host unit tests"
	@echo "make deps            say which Debian packages are there, install the rest"
	@echo "make clean           remove obj/"

-include $(shell find $(OBJDIR) -name '*.d' 2>/dev/null)
