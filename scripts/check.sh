#!/bin/sh
# shellcheck source-path=SCRIPTDIR/..
# check.sh: build lbbgp and run every test; the README's test command and
# what CI runs (.ci/run). From the repository root, as root on Debian 12:
#   sh scripts/check.sh
# Installs missing packages, builds with -Werror in build/, runs make check
# (unit and integration tests), the unit tests under valgrind, the load
# tests at a tenth of their size, make distcheck, then an ASan/UBSan build in
# build-asan/ with make check, the fuzzers in build-fuzz/ (clang: replay
# the corpora, then each harness for 30 s), and mandoc -Tlint on the man
# pages.
# Stops at the first failure and says which step failed.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh

start=$(date +%s)
jobs=$(nproc 2>/dev/null || echo 2)
step=

section() {
	step=$*
	printf '\n===== %s  [%ss]\n' "$step" "$(($(date +%s) - start))"
}
die() {
	echo "check.sh: FAILED at step '$step' after $(($(date +%s) - start))s: $*" >&2
	exit 1
}
# show_failed DIR: the automake log of every failing test in DIR.
show_failed() {
	[ -f "$1/test-suite.log" ] && cat "$1/test-suite.log" >&2
	return 0
}
# build DIR CONFIGURE_FLAGS...: configure out of tree in DIR, make, make check.
build() {
	_dir=$1
	shift
	mkdir -p "$_dir"
	(cd "$_dir" && ../configure "$@") || die "configure $* failed (see $_dir/config.log)"
	make -C "$_dir" -j"$jobs" || die "build failed"
	make -C "$_dir" -j"$jobs" check || { show_failed "$_dir"; die "make check failed in $_dir"; }
}

section "dependencies"
lbbgp_deps || die "cannot install the packages (apt-get failed)"

section "autoreconf"
[ ! -f config.status ] ||
	die "the source tree has an in-tree build; run 'make distclean' here first"
autoreconf -fi || die "autoreconf failed"

section "build and test (build/, --enable-werror)"
build build --enable-werror

section "valgrind: unit tests (build/)"
# Memory errors and definite leaks fail; Check runs the tests in this
# process (CK_FORK=no) so valgrind sees them.
for t in build/tests/unit/check_*; do
	[ -x "$t" ] || continue
	case $t in *.o | *.log | *.trs) continue ;; esac
	CK_FORK=no valgrind -q --error-exitcode=99 --leak-check=full \
	    --show-leak-kinds=definite --errors-for-leak-kinds=definite \
	    "$t" >"$t.valgrind.log" 2>&1 ||
		{ tail -40 "$t.valgrind.log" >&2; die "valgrind: $t"; }
	echo "valgrind: $t clean"
done

section "load tests, a tenth of the size (build/; full size: scripts/load.sh)"
# Fails only on routes lost or added at the routers, never on time.
LOAD_SCALE=0.1 top_builddir=build sh tests/load/load.sh ||
	die "the load tests found routes lost or added at a router"

section "install (DESTDIR)"
dest=$(mktemp -d)
make -C build install DESTDIR="$dest" >/dev/null || die "make install failed"
for f in sbin/lbbgpd bin/bgpctl share/man/man8/lbbgpd.8 \
    share/man/man5/lbbgp.conf.5 share/doc/lbbgp/examples/lbbgp.conf; do
	[ -e "$dest/usr/local/$f" ] || die "make install did not install $f"
done
# The systemd unit and the bash completion go where systemd and
# bash-completion look (pkg-config), which may be outside the prefix.
unit=$(find "$dest" -name lbbgpd.service)
if [ -z "$unit" ] || [ "$(echo "$unit" | wc -l)" != 1 ]; then
	die "make install did not install one lbbgpd.service: '$unit'"
fi
exe=$(sed -n 's/^ExecStart=\(\/[^ ]*\)$/\1/p' "$unit")
[ -x "$dest$exe" ] || die "lbbgpd.service starts '$exe', not the lbbgpd make install put in $dest"
comp=$(find "$dest" -path '*/bash-completion/completions/bgpctl')
[ -n "$comp" ] || die "make install did not install the bash completion of bgpctl"
bash -n "$comp" || die "the bash completion of bgpctl does not parse"
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify wants the binaries to exist: point the unit at the DESTDIR.
	sed "s|$exe|$dest$exe|g" "$unit" >"$dest/lbbgpd.service"
	if ! systemd-analyze verify --man=no "$dest/lbbgpd.service" \
	    >"$dest/verify" 2>&1 || grep -q . "$dest/verify"; then
		cat "$dest/verify" >&2
		die "systemd-analyze verify lbbgpd.service failed"
	fi
else
	echo "systemd-analyze not installed: lbbgpd.service not verified"
fi
rm -rf "$dest"

section "distcheck"
make -C build -j"$jobs" distcheck \
	DISTCHECK_CONFIGURE_FLAGS="--enable-werror --disable-integration-tests" ||
	die "make distcheck failed"

section "sanitizers (build-asan/, ASan + UBSan)"
build build-asan --enable-sanitizers --enable-werror

section "fuzzing (build-fuzz/, clang + libFuzzer)"
# The corpora and every regression vector first, then each harness for
# FUZZ_SECONDS (30): about 5 minutes on 2 cores.
fuzz_start=$(date +%s)
if printf 'int LLVMFuzzerTestOneInput(const char *d, long n) { return d && n < 0; }\n' |
    clang -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
	mkdir -p build-fuzz
	(cd build-fuzz && ../configure --enable-fuzzing >/dev/null) ||
		die "configure --enable-fuzzing failed (see build-fuzz/config.log)"
	make -C build-fuzz -j"$jobs" fuzz >/dev/null || die "building the fuzzers failed"
	sh tests/fuzz/replay.sh build-fuzz || die "a corpus or regression input fails"
	FUZZ_BUILD=$(pwd)/build-fuzz sh scripts/fuzz.sh "${FUZZ_SECONDS:-30}" ||
		die "the fuzzers found a problem (inputs in build-fuzz/fuzz-out/)"
	echo "fuzzing took $(($(date +%s) - fuzz_start))s"
elif [ "$(id -u)" -eq 0 ]; then
	die "clang cannot link libFuzzer harnesses though deps.sh installed clang and libclang-rt-dev"
else
	echo "no clang with libFuzzer (apt-get install clang libclang-rt-dev): fuzzing skipped"
fi

section "man pages"
set -- man/*.[1-8]
if [ -e "$1" ]; then
	mandoc -Tlint -Wwarning "$@" || die "mandoc -Tlint found problems"
else
	echo "no man pages yet"
fi

printf '\n===== all checks passed in %ss\n' "$(($(date +%s) - start))"
