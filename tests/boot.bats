#!/usr/bin/env bats
# bootcon-init on this machine (in a private mount namespace, with a fake
# /proc/cmdline and a probe as the real init), then the boot test
# (tests/boot/run, also `make boot-test`): a real Debian kernel under QEMU,
# with init on a bootcon window.  Each skips with the reason when this
# machine cannot run it (not root, no QEMU, no kernel).

# $status and $output are bats' own, set in each test's subshell.
# shellcheck disable=SC2030,SC2031
load test_helper

setup() {
	# bootcon's tmux server is the test's private one (tx).
	bc_setup
	# The real init: reports what it got, then exits.
	cat >"$T/init" <<-EOF
		#!/bin/sh
		exec 3>"$T/report"
		args=
		for a; do args="\$args\$a|"; done
		echo "args:\$args" >&3
		for fd in 0 1 2; do echo "fd\$fd:\$(readlink /proc/\$\$/fd/\$fd)" >&3; done
		echo "console:\$(stat -c %t:%T /dev/console)" >&3
		echo "stdin:\$(stat -L -c %t:%T /proc/\$\$/fd/0)" >&3
		tr '\\000' '\\n' </proc/\$\$/environ | LC_ALL=C sort | sed 's/^/env:/' >&3
	EOF
	chmod 755 "$T/init"
}

teardown() {
	bc_teardown
}

# Run bootcon-init with ARGS in a private mount namespace, /proc/cmdline
# reading CMDLINE; the arguments are env -i's: NAME=VALUE... bootcon-init ARG...
boot_init() {
	local cmdline=$1
	shift
	printf '%s\n' "$cmdline" >"$T/cmdline"
	need_root "a mount namespace"
	command -v unshare >/dev/null || skip "unshare is not installed"
	# shellcheck disable=SC2016 # expanded by the inner shell
	run --separate-stderr unshare --mount --propagation private sh -c \
	    'mount --bind "$0" /proc/cmdline && exec env -i "$@"' "$T/cmdline" "$@" \
	    </dev/null 3>&-
}

# The value of KEY in the probe's report.
report() {
	sed -n "s/^$1://p" "$T/report"
}

@test "bootcon-init as PID 1 never exits when the chosen init cannot run: the kernel's list follows" {
	need_root "PID and mount namespaces"
	printf '#!/nonexistent/interpreter\n' >"$T/badinit"
	chmod 755 "$T/badinit"
	printf '#!/bin/sh\necho "fake init pid $$" >"%s"\n' "$T/init.out" >"$T/fakeinit"
	chmod 755 "$T/fakeinit"
	printf '%s\n' "bootcon=off bootcon.init=$T/badinit" >"$T/cmdline"
	# The machine's real inits are replaced by the fake in the namespace.
	# shellcheck disable=SC2016 # expanded by the inner shell
	run --separate-stderr unshare --pid --fork --mount-proc --propagation private sh -c '
		mount --bind "$0" /proc/cmdline || exit 99
		for i in /sbin/init /etc/init /bin/init; do
			[ ! -e "$i" ] || mount --bind "$1" "$i" || exit 99
		done
		shift
		exec env -i "$@"' "$T/cmdline" "$T/fakeinit" HOME=/ \
	    "PATH=$ROOT/c:/usr/sbin:/usr/bin:/sbin:/bin" "$ROOT/shell/bootcon-init" </dev/null 3>&-
	[ "$status" -eq 0 ]
	[ "$(cat "$T/init.out")" = "fake init pid 1" ]
}

@test "bootcon-init runs bootcon.init on a console window, with /dev/console on it, and its arguments and environment unchanged" {
	local env=(HOME=/ TERM=linux FOO=bar "PATH=$ROOT/c:/usr/sbin:/usr/bin:/sbin:/bin"
	    "TMUX_TMPDIR=$TMUX_TMPDIR" "BOOTCON_TMUX_SERVER=$BOOTCON_TMUX_SERVER")
	boot_init "quiet bootcon.socket=$SOCK bootcon.init=$T/init bootcon.timeout=10 x.y=z" \
	    "${env[@]}" "$ROOT/shell/bootcon-init" a "b c"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$(report args)" = "a|b c|" ]
	tty=$(tx list-panes -a -F '#{pane_tty}')
	[ -n "$tty" ]
	[ "$(report fd0)" = "$tty" ]
	[ "$(report fd1)" = "$tty" ]
	[ "$(report fd2)" = "$tty" ]
	[ "$(report console)" = "$(report stdin)" ]
	[ "$(report env)" = "$(printf '%s\n' "${env[@]}" | LC_ALL=C sort)" ]
	[[ $stderr == *"$T/init runs on the console $SOCK"* ]]
	# The window's server is still there, waiting for the next client.
	grep -q " $SOCK\$" /proc/net/unix
}

@test "bootcon-init with bootcon=off runs the real init at once, on the original stdio" {
	boot_init "bootcon=off bootcon.socket=$SOCK bootcon.init=$T/init" \
	    HOME=/ "PATH=$ROOT/c:/usr/bin:/bin" "TMUX_TMPDIR=$TMUX_TMPDIR" \
	    "BOOTCON_TMUX_SERVER=$BOOTCON_TMUX_SERVER" "$ROOT/shell/bootcon-init"
	[ "$status" -eq 0 ]
	[ "$(report fd0)" = /dev/null ]
	[ "$(report args)" = "" ]
	[ -z "$stderr" ]
	run ! tx list-sessions
}

@test "bootcon-init with no bootcon-exec stops the console it started and runs the real init on the original stdio" {
	boot_init "bootcon.socket=$SOCK bootcon.init=$T/init" \
	    HOME=/ PATH=/usr/sbin:/usr/bin:/sbin:/bin "TMUX_TMPDIR=$TMUX_TMPDIR" \
	    "BOOTCON_TMUX_SERVER=$BOOTCON_TMUX_SERVER" "$ROOT/shell/bootcon-init" one
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$(report args)" = "one|" ]
	[ "$(report fd0)" = /dev/null ]
	[[ $stderr == *"bootcon-exec not found or not executable; running $T/init on the normal console"* ]]
	wait_until "! grep -q ' $SOCK\$' /proc/net/unix"
}

@test "bootcon-init with /dev/console already a window (the initramfs's console) runs the real init on it, starting no console" {
	need_root "a mount namespace"
	tx new-session -d -s other 'sleep 1000'
	pty=$(tx display -p -t =other: '#{pane_tty}')
	printf '%s\n' "bootcon.socket=$SOCK bootcon.init=$T/init" >"$T/cmdline"
	# shellcheck disable=SC2016 # expanded by the inner shell
	run --separate-stderr unshare --mount --propagation private sh -c \
	    'mount --bind "$0" /proc/cmdline && mount --bind "$1" /dev/console &&
	    shift 2 && exec env -i "$@"' "$T/cmdline" "$pty" HOME=/ \
	    "PATH=$ROOT/c:/usr/bin:/bin" "TMUX_TMPDIR=$TMUX_TMPDIR" \
	    "BOOTCON_TMUX_SERVER=$BOOTCON_TMUX_SERVER" "$ROOT/shell/bootcon-init" </dev/null 3>&-
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ $stderr == *"the console from the initramfs is in place; running $T/init"* ]]
	[ "$(report fd0)" = /dev/null ]
	run ! grep -q " $SOCK\$" /proc/net/unix
	[ "$(tx list-sessions -F '#{session_name}')" = other ]
}

@test "bootcon-init reports bad settings and uses the defaults" {
	boot_init "bootcon.mux=emacs bootcon.timeout=soon bootcon.socket=$SOCK bootcon.init=$T/init" \
	    HOME=/ "PATH=$ROOT/c:/usr/bin:/bin" "TMUX_TMPDIR=$TMUX_TMPDIR" \
	    "BOOTCON_TMUX_SERVER=$BOOTCON_TMUX_SERVER" "$ROOT/shell/bootcon-init"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ $stderr == *"ignoring bootcon.mux=emacs (tmux or screen)"* ]]
	[[ $stderr == *"ignoring bootcon.timeout=soon"* ]]
	[ "$(report fd0)" = "$(tx list-panes -a -F '#{pane_tty}')" ]
}

# Boot the busybox initramfs under QEMU in SCENARIO (tests/boot/run); skip
# with its reason when this machine cannot boot one.
boot_scenario() {
	run sh "$ROOT/tests/boot/run" "$1" 3>&-
	if [ "$status" -eq 77 ]; then
		skip "$(printf '%s\n' "$output" | sed -n 's/^boot test: skipped: //p' | tail -n 1)"
	fi
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	if [[ "$output" == *"screen: skipped"* ]]; then
		skip "GNU screen is not installed here"
	fi
	[[ "$output" == *" passed, 0 failed in "* ]]
}

@test "a real kernel boots with init on a bootcon window, reachable over SSH" {
	boot_scenario window
}

@test "a real kernel boots with init on a bootcon window in GNU screen (bootcon.mux=screen)" {
	boot_scenario screen
}

@test "a real kernel boots on a bootcon window with /tmp read-only (the console's files in /run)" {
	boot_scenario rotmp
}

@test "a real kernel boots on a bootcon window when its transcript cannot be written, with one warning" {
	boot_scenario nolog
}

@test "a real kernel boots on the normal console with bootcon=off" {
	boot_scenario off
}

@test "a real kernel boots on the normal console when tmux is missing" {
	boot_scenario notmux
}

@test "a real kernel boots on the normal console when the console's server is killed before the hand-off" {
	boot_scenario killed
}
