#!/usr/bin/env bash
# setup-deps.sh [--report] GROUP...: make sure this Debian machine has what the
# named groups of make targets need, and install what is missing with apt-get
# (as root, or through sudo -n), saying first what it installs and why.
#
#   build  every make: compile the kernel, the user programs (musl for user/linux/)
#          and the initrd (which carries Debian's busybox-static)
#   run    boot elk under QEMU: make run-NAME, selftest, qemu, qemu-gdb, test, bench
#   test   host unit tests (make test, make host-tests): C library headers
#   iso    the GRUB image: make iso, make test
#   plots  make bench, make plots
#   debug  make gdb
#   ci     the fresh-Debian check of .ci/run (tools/fresh-debian.sh)
#   all    every group but ci (make deps)
#
# Silent and instant when everything is there; --report says what it found.
# When it cannot install, it prints the apt-get command to run by hand and exits 1.
# CC, LD, AR, OBJDUMP, PYTHON and MUSL_CC name the build tools to look for, and
# BUSYBOX the static busybox to pack (the GNUmakefile's).
set -euo pipefail

GROUPS_ALL=(build run test iso plots debug)
declare -A WHY=(
	[build]="compile the kernel, the user programs and the initrd"
	[run]="boot elk under QEMU"
	[test]="compile the host unit tests against the C library, with ASan and UBSan"
	[iso]="make the GRUB rescue image obj/elk.iso"
	[plots]="draw the benchmark plots"
	[debug]="attach gdb to QEMU"
	[ci]="bootstrap a minimal Debian for the fresh-machine check"
)
# Each check is KIND:WHAT:PACKAGE. KIND cmd: WHAT is a command on PATH; dir: WHAT
# is a directory; file: WHAT is a file; header: a C program including <WHAT> compiles and links with
# the host tests' sanitizers (gcc only recommends the C library's headers).
# grub-mkrescue exists without grub-pc-bin, but then cannot make a BIOS image.
declare -A CHECKS=(
	[build]="cmd:${CC:-gcc}:gcc cmd:${LD:-ld}:binutils cmd:${AR:-ar}:binutils
		cmd:${OBJDUMP:-objdump}:binutils cmd:${PYTHON:-python3}:python3
		cmd:${MUSL_CC:-musl-gcc}:musl-tools file:${BUSYBOX:-/bin/busybox}:busybox-static"
	[run]="cmd:qemu-system-x86_64:qemu-system-x86 cmd:python3:python3"
	[test]="cmd:gcc:gcc header:stdio.h:libc6-dev"
	[iso]="cmd:grub-mkrescue:grub-common dir:/usr/lib/grub/i386-pc:grub-pc-bin
		cmd:xorriso:xorriso cmd:mformat:mtools"
	[plots]="cmd:gnuplot:gnuplot-nox cmd:python3:python3"
	[debug]="cmd:gdb:gdb"
	[ci]="cmd:debootstrap:debootstrap"
)

# Succeed if the check KIND:WHAT passes on this machine.
passes() {
	local kind=$1 what=$2 tmp ok
	case "$kind" in
	cmd) command -v "$what" >/dev/null 2>&1 ;;
	dir) [ -d "$what" ] ;;
	file) [ -f "$what" ] ;;
	header)
		command -v gcc >/dev/null 2>&1 || return 1
		tmp=$(mktemp -d)
		printf '#include <%s>\nint main(void) { return 0; }\n' "$what" >"$tmp/t.c"
		ok=0
		gcc -fsanitize=address,undefined -o "$tmp/t" "$tmp/t.c" >/dev/null 2>&1 || ok=1
		rm -rf "$tmp"
		return $ok
		;;
	esac
}

# Print "GROUP PACKAGE WHAT" for every failing check of the groups "$@".
failing() {
	local g check kind what pkg
	for g in "$@"; do
		for check in ${CHECKS[$g]}; do
			IFS=: read -r kind what pkg <<<"$check"
			passes "$kind" "$what" || echo "$g $pkg $what"
		done
	done
}

# Say, group by group, what each of "$@" found (make deps).
report() {
	local g check kind what pkg found lacking
	for g in "$@"; do
		found=() lacking=()
		for check in ${CHECKS[$g]}; do
			IFS=: read -r kind what pkg <<<"$check"
			if passes "$kind" "$what"; then found+=("$what"); else lacking+=("$what ($pkg)"); fi
		done
		printf 'setup-deps: %-5s (%s): found %s' "$g" "${WHY[$g]}" "${found[*]:-nothing}"
		[ ${#lacking[@]} -eq 0 ] && echo || echo "; missing ${lacking[*]}"
	done
}

# Tell the user the command to run, since we cannot run it ourselves, and fail.
explain() {
	echo "setup-deps: $1; run by hand:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $2" >&2
	exit 1
}

report_only=false
if [ "${1:-}" = --report ]; then
	report_only=true
	shift
fi
groups=()
for g in "$@"; do
	if [ "$g" = all ]; then
		groups+=("${GROUPS_ALL[@]}")
	elif [ -n "${WHY[$g]:-}" ]; then
		groups+=("$g")
	else
		echo "setup-deps: unknown group '$g' (known: ${GROUPS_ALL[*]} ci all)" >&2
		exit 2
	fi
done
[ ${#groups[@]} -gt 0 ] || { echo "usage: setup-deps.sh [--report] GROUP... (or all)" >&2; exit 2; }

$report_only && report "${groups[@]}"
mapfile -t lacking < <(failing "${groups[@]}")
[ ${#lacking[@]} -eq 0 ] && exit 0

# What is missing, grouped by what needs it, as "package (for what, what)";
# the packages to install, each named once.
echo "setup-deps: elk needs Debian packages that are not installed:" >&2
packages=()
for g in "${groups[@]}"; do
	declare -A whats=()
	order=()
	for item in "${lacking[@]}"; do
		read -r ig pkg what <<<"$item"
		[ "$ig" = "$g" ] || continue
		[ -n "${whats[$pkg]:-}" ] || order+=("$pkg")
		whats[$pkg]="${whats[$pkg]:+${whats[$pkg]}, }$what"
		[[ " ${packages[*]} " == *" $pkg "* ]] || packages+=("$pkg")
	done
	line=""
	for pkg in "${order[@]}"; do
		line+="${line:+,} $pkg (for ${whats[$pkg]})"
	done
	[ -n "$line" ] && echo "  $g, to ${WHY[$g]}:$line" >&2
	unset whats
done

command -v apt-get >/dev/null 2>&1 ||
	explain "apt-get not found (elk expects Debian)" "${packages[*]}"
if [ "$(id -u)" -eq 0 ]; then
	root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	root=(sudo -n)
else
	explain "installing packages needs root, and sudo -n is not available" "${packages[*]}"
fi

# sudo drops the environment, so DEBIAN_FRONTEND goes through env. Parallel make
# jobs may get here at once: wait for dpkg's lock rather than fail. The package
# lists are fetched first, once, since a fresh machine's may be stale or absent.
apt=("${root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)
echo "setup-deps: apt-get update, for the current package lists" >&2
"${apt[@]}" update >&2
echo "setup-deps: apt-get install --no-install-recommends ${packages[*]}" >&2
"${apt[@]}" install -y --no-install-recommends "${packages[@]}" >&2

mapfile -t lacking < <(failing "${groups[@]}")
if [ ${#lacking[@]} -ne 0 ]; then
	echo "setup-deps: still missing after the install:" >&2
	for item in "${lacking[@]}"; do
		read -r ig pkg what <<<"$item"
		echo "  $what (package $pkg, for $ig)" >&2
	done
	exit 1
fi
echo "setup-deps: done; ${groups[*]} have what they need" >&2
