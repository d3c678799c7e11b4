#!/usr/bin/env bash
# Make a fresh Debian machine able to build and test elk. Silent and instant when
# everything is already there; otherwise installs the packages with apt-get as root
# (or through sudo -n), or says which command to run by hand and exits 1.
set -euo pipefail

PACKAGES=(qemu-system-x86 grub-pc-bin grub-common xorriso mtools gnuplot-nox
	python3 gcc make binutils gdb musl-tools)
COMMANDS=(qemu-system-x86_64 grub-mkrescue xorriso mformat gnuplot python3 gcc make ld gdb musl-gcc)
# grub-mkrescue exists without grub-pc-bin, but then cannot make a BIOS-bootable image.
GRUB_BIOS_DIR=/usr/lib/grub/i386-pc

# Print what is missing, one item a line; print nothing when all is there.
missing() {
	local c
	for c in "${COMMANDS[@]}"; do
		command -v "$c" >/dev/null 2>&1 || echo "$c"
	done
	[ -d "$GRUB_BIOS_DIR" ] || echo "$GRUB_BIOS_DIR(grub-pc-bin)"
}

# Tell the user exactly what to run, since we cannot do it ourselves.
explain() {
	echo "setup-deps: $1; run by hand:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}" >&2
	exit 1
}

mapfile -t lacking < <(missing)
[ ${#lacking[@]} -eq 0 ] && exit 0

echo "setup-deps: missing ${lacking[*]}" >&2
command -v apt-get >/dev/null 2>&1 || explain "apt-get not found (elk expects Debian)"
if [ "$(id -u)" -eq 0 ]; then
	root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	root=(sudo -n)
else
	explain "installing packages needs root, and sudo -n is not available"
fi

# sudo drops the environment, so DEBIAN_FRONTEND goes through env. Parallel make
# jobs may get here at once: wait for dpkg's lock rather than fail.
apt=("${root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)
"${apt[@]}" update
"${apt[@]}" install -y --no-install-recommends "${PACKAGES[@]}"

mapfile -t lacking < <(missing)
if [ ${#lacking[@]} -ne 0 ]; then
	echo "setup-deps: still missing after install: ${lacking[*]}" >&2
	exit 1
fi
