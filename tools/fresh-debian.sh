#!/usr/bin/env bash
# fresh-debian.sh: follow the README's quick start on a machine that has nothing
# but make. A throwaway minimal Debian 12 (debootstrap --variant=minbase, plus
# make) is unpacked afresh, the tracked files of this checkout are copied in,
# and inside it `make run-flexsc` and then `make test` must succeed, installing
# what they need as they go. .ci/run runs it; it takes a few minutes.
#
# The minbase system comes from the mirror this machine's apt uses, and is kept
# as a tarball in $ELK_CI_CACHE (default /var/cache/elk-ci) so that later runs do
# not download it again; each run still unpacks a new root and installs every
# package elk needs into it, so nothing carries over from one run to the next.
#
# It needs root (or sudo -n), debootstrap (installed if missing), and the right
# to chroot and mount /proc and /dev. Where one of these cannot be had, as in an
# unprivileged container, it says why and exits 0 without checking anything:
# a SKIP, not a pass. Any failure inside the fresh system fails it.
set -euo pipefail

SUITE=bookworm
CACHE=${ELK_CI_CACHE:-/var/cache/elk-ci}
TARBALL=$CACHE/$SUITE-minbase-make.tgz
LIMIT=${ELK_FRESH_TIMEOUT:-40m}	# for both make commands together
ROOT=$(cd "$(dirname "$0")/.." && pwd)

skip() {
	echo "fresh-debian: SKIP: $1" >&2
	exit 0
}

# Print the first URI of an enabled apt source (one-line or deb822) for $SUITE.
apt_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v suite="$SUITE" '{ line = $0; sub(/\[[^]]*\]/, "", line); split(line, w, " ")
			if (w[1] == "deb" && w[3] == suite) { print w[2]; exit } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v suite="$SUITE" 'BEGIN { RS = ""; FS = "\n" } {
			uri = ""; ok = 0; deb = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { split($i, w, " "); uri = w[2] }
				if ($i ~ /^Types:.*(^|[ \t])deb([ \t]|$)/) deb = 1
				if ($i ~ /^Suites:/) { n = split($i, w, " "); for (j = 2; j <= n; j++) if (w[j] == suite) ok = 1 }
				if ($i ~ /^Enabled: *no/) deb = 0
			}
			if (uri != "" && ok && deb) { print uri; exit } }' "$f"
	done
}

if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null ||
		skip "needs root (or sudo -n) to bootstrap and chroot"
	exec sudo -n env ELK_CI_CACHE="$CACHE" ELK_FRESH_TIMEOUT="$LIMIT" bash "$0" "$@"
fi
command -v apt-get >/dev/null 2>&1 || skip "not a Debian machine (no apt-get)"
"$ROOT/tools/setup-deps.sh" ci || skip "debootstrap cannot be installed here"
mirror=$(apt_mirror | head -n 1)
[ -n "$mirror" ] || skip "no apt source for $SUITE in /etc/apt/sources.list*"

work=$(mktemp -d /var/tmp/elk-fresh.XXXXXX)
chroot_dir=$work/root
# Unmount what we mounted and remove the root, whatever happened.
cleanup() {
	umount -R "$chroot_dir/dev" 2>/dev/null || umount -l "$chroot_dir/dev" 2>/dev/null || true
	umount "$chroot_dir/proc" 2>/dev/null || umount -l "$chroot_dir/proc" 2>/dev/null || true
	if ! mountpoint -q "$chroot_dir/dev" && ! mountpoint -q "$chroot_dir/proc"; then
		rm -rf "$work"
	fi
}
trap cleanup EXIT

mkdir -p "$CACHE"
if [ ! -s "$TARBALL" ]; then
	echo "fresh-debian: downloading a minimal $SUITE from $mirror into $TARBALL"
	debootstrap --variant=minbase --include=make --make-tarball="$TARBALL.new" \
		"$SUITE" "$work/download" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		skip "debootstrap cannot fetch $SUITE from $mirror (see its log: $(tail -n 1 "$work/debootstrap.log"))"
	mv "$TARBALL.new" "$TARBALL"
fi
start=$SECONDS
echo "fresh-debian: unpacking a new minimal $SUITE with only make added, in $chroot_dir"
if ! debootstrap --variant=minbase --include=make --unpack-tarball="$TARBALL" \
	"$SUITE" "$chroot_dir" "$mirror" >"$work/debootstrap.log" 2>&1; then
	tail -n 20 "$work/debootstrap.log" >&2
	echo "fresh-debian: FAIL: debootstrap could not unpack $TARBALL (delete it to fetch anew)" >&2
	exit 1
fi
mount -t proc proc "$chroot_dir/proc" 2>/dev/null || skip "cannot mount /proc in a chroot here"
mount --rbind /dev "$chroot_dir/dev" && mount --make-rslave "$chroot_dir/dev" ||
	skip "cannot bind-mount /dev into a chroot here"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf" 2>/dev/null || true

# The files a fresh clone would hold, with this checkout's changes to them.
mkdir "$chroot_dir/elk"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$ROOT/$f" ] && printf '%s\0' "$f"; done |
	tar -C "$ROOT" --null -T - -cf - | tar -C "$chroot_dir/elk" -xf -
echo "fresh-debian: ready in $((SECONDS - start)) s; running the README's quick start inside"

# A clean environment, no terminal, as a new user's first commands would run.
# timeout puts itself in a process group of its own, where a Ctrl-C or a CI
# runner's SIGTERM to ours does not reach: pass them on, then clean up.
status=0
timeout "$LIMIT" chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 /bin/sh -c 'cd /elk && make run-flexsc && make test' \
	</dev/null >"$work/make.log" 2>&1 &
inner=$!
trap 'kill -TERM "$inner" 2>/dev/null; wait "$inner"; exit 130' INT TERM
wait "$inner" || status=$?
trap - INT TERM
[ "$status" -eq 124 ] && echo "fresh-debian: the run timed out after $LIMIT" >&2
mkdir -p "$ROOT/obj" && cp "$work/make.log" "$ROOT/obj/fresh-debian.log"
tail -n 25 "$work/make.log"
if [ "$status" -ne 0 ]; then
	echo "fresh-debian: FAIL: make run-flexsc && make test exited $status in a fresh $SUITE" \
		"after $((SECONDS - start)) s (whole log: obj/fresh-debian.log)" >&2
	exit 1
fi
echo "fresh-debian: PASS: make run-flexsc and make test on a fresh $SUITE with only make," \
	"$((SECONDS - start)) s in all"
