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

# On a fresh machine, install the build tools before anything else (need.sh is
# silent when they are there, and says what to install when it cannot).
ifeq ($(filter clean help,$(MAKECMDGOALS)),)
ifneq ($(shell tools/need.sh $(CC) $(LD) $(AR) $(PYTHON) 1>&2 || echo missing),)
$(error cannot build elk without $(CC), $(LD), $(AR) and $(PYTHON): see above)
endif
endif

# Flags shared by everything that runs in the guest: no host headers or libc.
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
	-fno-stack-protector -fno-pic -fno-pie -fno-omit-frame-pointer \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) -I. -MMD -MP

KERN_CFLAGS := $(GUEST_CFLAGS) -DELK_KERNEL -mcmodel=kernel -mno-red-zone \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables
KERN_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T kern/kernel.ld

USER_CFLAGS := $(GUEST_CFLAGS) -fno-asynchronous-unwind-tables
USER_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T user/user.ld

# Host unit tests: kernel data structures compiled for the host with sanitizers.
HOST_CC     := gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -DELK_HOST_TEST \
	-fsanitize=address,undefined -fno-sanitize-recover=all

# QEMU: serial on stdio is the console; isa-debug-exit ends QEMU when init exits.
QEMU_MEM  ?= 256M
QEMU_SMP  ?= 1
QEMU_ACCEL ?= tcg,thread=multi
QEMUFLAGS := -accel $(QEMU_ACCEL) -m $(QEMU_MEM) -smp $(QEMU_SMP) -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 $(QEMUEXTRA)

all: kernel initrd

include kern/Makefrag
include lib/Makefrag
include bench/Makefrag
include user/Makefrag
include tests/Makefrag

.PHONY: all kernel initrd selftest fuzz qemu qemu-gdb gdb iso test clean help deps FORCE

kernel: $(KERNEL)
initrd: $(INITRD)

deps:
	$(V)tools/setup-deps.sh

# isa-debug-exit makes QEMU exit with 2*code+1, so init's exit 0 is QEMU's 1.
INIT ?= sh
qemu: all
	$(V)tools/need.sh $(QEMU)
	$(QEMU) $(QEMUFLAGS) -nographic -kernel $(KERNEL) -initrd $(INITRD) \
		-append "init=$(INIT) $(ARGS)" || test $$? -eq 1

# make run-NAME [ARGS="a b"] [TIMEOUT=seconds]: boot with init=NAME; make succeeds
# exactly when the program exits 0.
run-%: all
	$(V)$(PYTHON) tools/elkrun.py --kernel $(KERNEL) --initrd $(INITRD) --qemu $(QEMU) \
		--mem $(QEMU_MEM) --smp $(QEMU_SMP) --accel $(QEMU_ACCEL) --qemu-args "$(QEMUEXTRA)" \
		$(if $(TIMEOUT),--timeout $(TIMEOUT)) -- $* $(ARGS)

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
	$(V)$(PYTHON) tools/elkrun.py --kernel $(KERNEL) --initrd $(INITRD) --qemu $(QEMU) \
		--mem $(QEMU_MEM) --accel $(QEMU_ACCEL) --options selftest

qemu-gdb: all
	$(V)tools/need.sh $(QEMU)
	@echo "QEMU waits for gdb on localhost:1234; run 'make gdb' in another terminal."
	$(QEMU) $(QEMUFLAGS) -nographic -S -gdb tcp:127.0.0.1:1234 -kernel $(KERNEL) \
		-initrd $(INITRD) -append "init=$(INIT) $(ARGS)" || test $$? -eq 1

gdb:
	$(V)tools/need.sh $(GDB)
	$(GDB) -q -ex "target remote 127.0.0.1:1234" $(KERNEL)

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
	$(V)tools/need.sh grub-mkrescue xorriso mformat
	@echo + iso $@
	$(V)rm -rf $@.dir && mkdir -p $@.dir/boot/grub
	$(V)cp $(KERNEL) $@.dir/boot/elk
	$(V)cp $(INITRD) $@.dir/boot/initrd
	$(V)$(PYTHON) tools/mkgrubcfg.py tools/grub.cfg $@.init > $@.dir/boot/grub/grub.cfg
	$(V)grub-mkrescue -o $@ $@.dir >$@.log 2>&1 || { cat $@.log; exit 1; }
FORCE:

# make test [TESTS="prefix ..."]: host unit tests and QEMU cases, in parallel.
test: all $(HOST_TESTS) $(ISO)
	$(V)$(PYTHON) tools/runtests.py --kernel $(KERNEL) --initrd $(INITRD) --iso $(ISO) \
		--qemu $(QEMU) --accel $(QEMU_ACCEL) --host $(HOST_TESTS) -- $(TESTS)

clean:
	rm -rf $(OBJDIR)

help:
	@echo "make                 build kernel and initrd"
	@echo "make run-NAME        boot with init=NAME (ARGS=\"a b\" passes arguments, TIMEOUT=s)"
	@echo "make selftest        boot the in-kernel self-tests"
	@echo "make fuzz            random-syscall fuzzer (SEED=n CALLS=n SMP=n TRACE=1)"
	@echo "make qemu            interactive boot, serial console here (INIT=sh ARGS=...)"
	@echo "make qemu-gdb / gdb  boot stopped for gdb / attach gdb"
	@echo "make iso             GRUB rescue image obj/elk.iso (ISO_INIT=hello)"
	@echo "make test            host unit tests and the QEMU test suite (TESTS=\"prefix ...\")"
	@echo "make bench           benchmark sweep to bench/results/*.csv and bench/plots (QUICK=1 ICOUNT=1 RUNS=n)"
	@echo "make plots           redraw the plots from the CSV"
	@echo "make host-tests      only the host unit tests"
	@echo "make deps            install the Debian packages elk needs"
	@echo "make clean           remove obj/"

-include $(shell find $(OBJDIR) -name '*.d' 2>/dev/null)
