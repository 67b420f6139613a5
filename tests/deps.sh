#!/bin/sh
# Install what bootcon's build, demo, tests, boot test and benchmarks need.
#   sh tests/deps.sh [demo|check|boot|distro|bench|fuzz|deb|conserver]...   (default: check)
# As root it installs missing Debian packages with apt-get; otherwise it
# prints the exact apt-get command and exits 1.

# Packages by purpose: "command:package" pairs (or "/file:package").
DEMO="cc:gcc make:make tmux:tmux"
CHECK="$DEMO screen:screen bats:bats shellcheck:shellcheck musl-gcc:musl-tools
mandoc:mandoc busybox:busybox-static dash:dash setpriv:util-linux strace:strace
/usr/share/bash-completion/bash_completion:bash-completion"
BOOT="qemu-system-x86_64:qemu-system-x86 cpio:cpio dropbear:dropbear-bin
dbclient:dropbear-bin ssh:openssh-client ssh-keygen:openssh-client
busybox:busybox-static musl-gcc:musl-tools screen:screen"
DISTRO="mmdebstrap:mmdebstrap mkfs.ext4:e2fsprogs cryptsetup:cryptsetup-bin
qemu-system-x86_64:qemu-system-x86 ssh:openssh-client ssh-keygen:openssh-client
musl-gcc:musl-tools tmux:tmux"
FUZZ="clang:clang"
# The Debian package (make deb) and its build dependencies.
DEB="dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian fakeroot:fakeroot
musl-gcc:musl-tools make:make cc:gcc"
# The conserver test: Debian's conserver and console, and an sshd of its own.
CONSERVER="conserver:conserver-server console:conserver-client
/usr/sbin/sshd:openssh-server ssh:openssh-client ssh-keygen:openssh-client"
BENCH="hyperfine:hyperfine socat:socat dtach:dtach strace:strace"

[ $# -gt 0 ] || set -- check
want=
for group in "$@"; do
	case $group in
	demo) want="$want $DEMO" ;;
	check) want="$want $CHECK $BOOT $DISTRO $FUZZ $DEB $CONSERVER" ;;
	boot) want="$want $DEMO $BOOT" ;;
	distro) want="$want $DEMO $DISTRO $DEB" ;;
	deb) want="$want $DEB" ;;
	bench) want="$want $CHECK $BENCH" ;;
	fuzz) want="$want $FUZZ" ;;
	conserver) want="$want $CHECK $CONSERVER" ;;
	*) echo "deps.sh: unknown group: $group" >&2; exit 100 ;;
	esac
done

missing=
for pair in $want; do
	cmd=${pair%%:*} pkg=${pair#*:}
	case $cmd in
	/*) [ -e "$cmd" ] && continue ;;
	*) command -v "$cmd" >/dev/null 2>&1 && continue ;;
	esac
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
# libFuzzer's runtime comes in a package named after clang's version.
rt_missing() {
	case " $* " in *" fuzz "* | *" check "*) ;; *) return 1 ;; esac
	command -v clang >/dev/null 2>&1 || return 1
	for f in /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a; do
		[ -e "$f" ] && return 1
	done
	echo "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
}
rt=$(rt_missing "$@") && missing="$missing $rt"
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages; install them with:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# No daemon of the packages' own (conserver, sshd) started by the install:
# the tests run their own, on private ports.  A policy-rc.d of the
# machine's is kept as it is.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" &&
	    trap 'rm -f "$policy"' EXIT
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2 ||
	{ apt-get update -q >&2 && apt-get install -y -q --no-install-recommends $missing >&2; } ||
	exit 1
# clang was only now installed: its libFuzzer runtime may still be missing.
rt=$(rt_missing "$@") || exit 0
echo "deps.sh: installing $rt" >&2
apt-get install -y -q --no-install-recommends "$rt" >&2
