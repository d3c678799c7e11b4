#!/usr/bin/env bash
# need.sh TOOL...: make sure each named command exists. Silent when they all do;
# otherwise runs tools/setup-deps.sh, and if that does not bring them, names the
# Debian package to install and exits 1.
set -euo pipefail

# Print the Debian package that provides command $1, or nothing if we do not know it.
package_of() {
	case "$1" in
	qemu-system-x86_64) echo qemu-system-x86 ;;
	grub-mkrescue) echo "grub-common grub-pc-bin" ;;
	mformat) echo mtools ;;
	gnuplot) echo gnuplot-nox ;;
	musl-gcc) echo musl-tools ;;
	ld | ar | objdump | as) echo binutils ;;
	xorriso | python3 | gcc | make | gdb) echo "$1" ;;
	esac
}

# Print the commands among "$@" that are not on PATH.
absent() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || echo "$t"
	done
}

[ -z "$(absent "$@")" ] && exit 0

bash "$(dirname "$0")/setup-deps.sh" || true
lacking=$(absent "$@")
[ -z "$lacking" ] && exit 0

for t in $lacking; do
	pkg=$(package_of "$t")
	if [ -n "$pkg" ]; then
		echo "need.sh: '$t' is not installed; install it with: apt-get install $pkg" >&2
	else
		echo "need.sh: '$t' is not installed, and no Debian package for it is known here" >&2
	fi
done
exit 1
