#!/usr/bin/env bats
# bootcon-exec's command line and exit codes (DESIGN.md): 100 usage,
# 111 no server before the timeout, 126/127 PROG not executable/not found;
# PROG gets its arguments and environment unchanged.

# $stderr and $stderr_lines come from "run --separate-stderr"; each test runs
# in a subshell of its own, so changing a global inside one is intended.
# shellcheck disable=SC2154

load test_helper


setup() {
	bc_setup
}

teardown() {
	bc_teardown
}

@test "bootcon-exec: an unknown option is a usage error (100)" {
	run -100 --separate-stderr bootcon-exec --bogus -s "$SOCK" -- touch "$T/marker"
	[[ "$stderr" == *bootcon-exec* ]]
	run -100 bootcon-exec -x -s "$SOCK" -- touch "$T/marker"
	[ ! -e "$T/marker" ]
}

@test "bootcon-exec: a missing PROG is a usage error (100)" {
	run -100 --separate-stderr bootcon-exec -s "$SOCK"
	[[ "$stderr" == *bootcon-exec* ]]
	run -100 bootcon-exec -s "$SOCK" --
}

@test "bootcon-exec: a socket name too long is a usage error (100)" {
	long=$(printf '%0120d' 0)
	run -100 --separate-stderr bootcon-exec -s "@$long" -- touch "$T/marker"
	[[ "$stderr" == *"too long"* ]]
	run -100 bootcon-exec -s "$T/$long" -- touch "$T/marker"
	[ ! -e "$T/marker" ]
}

@test "bootcon-exec: a bad -t is a usage error (100)" {
	run -100 bootcon-exec -t soon -s "$SOCK" -- true
	run -100 bootcon-exec -t -1 -s "$SOCK" -- true
}

@test "bootcon-exec: no server: exit 111 within about -t (fractions allowed), one line" {
	start=$(ms)
	run -111 --separate-stderr bootcon-exec -t 0.3 -s "$SOCK" -- touch "$T/marker"
	end=$(ms)
	[ $((end - start)) -lt 3300 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "${stderr_lines[0]}" = "bootcon-exec: fatal: unable to connect to $SOCK: Connection refused" ]
	[ ! -e "$T/marker" ]
}

@test "bootcon-exec: no server: it keeps retrying for the whole -t (2 s)" {
	start=$(ms)
	run -111 bootcon-exec -t 2 -s "$SOCK" -- true
	end=$(ms)
	[ $((end - start)) -ge 1900 ]
	[ $((end - start)) -lt 5000 ]
}

@test "bootcon-exec: no server on a path socket: exit 111 within the timeout" {
	mkdir -m 700 "$T/d"
	start=$(ms)
	run -111 --separate-stderr bootcon-exec -s "$T/d/sock" -- true
	end=$(ms)
	[ $((end - start)) -lt 4000 ]
	[[ "${stderr_lines[0]}" == "bootcon-exec: fatal: unable to connect to $T/d/sock: "* ]]
}

@test "bootcon-exec: PROG not found exits 127 with one line, without or with -f" {
	run -127 --separate-stderr bootcon-exec -s "$SOCK" -- no-such-command-bct
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" == "bootcon-exec: "*no-such-command-bct* ]]
	run -127 bootcon-exec -f -t 0.1 -s "$SOCK" -- "$T/nonexistent"
	run -127 bootcon-exec -f -t 0.1 -s "$SOCK" -- no-such-command-bct
}

@test "bootcon-exec: PROG not found exits 127 before taking the window, which keeps waiting" {
	start_server
	run -127 --separate-stderr bootcon-exec -s "$SOCK" -- "$T/nonexistent"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "bootcon-exec: fatal: unable to execute $T/nonexistent: "* ]]
	pane_lacks "$PANE" 'exited'
	run -0 bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	probe_window_stdio "$T/probe" "$PTY"
}

@test "bootcon-exec: PROG not executable exits 126 (no server, -f)" {
	printf '#!/bin/sh\ntouch "%s"\n' "$T/marker" >"$T/noexec"
	chmod 644 "$T/noexec"
	run -126 --separate-stderr bootcon-exec -f -t 0.1 -s "$SOCK" -- "$T/noexec"
	[[ "${stderr_lines[-1]}" == "bootcon-exec: "*"$T/noexec"* ]]
	[ ! -e "$T/marker" ]
}

@test "bootcon-exec: PROG that fails to execute after a hand-off exits 126; the window says so and serves again" {
	start_server
	# Executable but in no format the kernel runs (no #! line): execve fails with ENOEXEC.
	printf 'not a program\n' >"$T/badformat"
	chmod 755 "$T/badformat"
	run -126 bootcon-exec -s "$SOCK" -- "$T/badformat"
	wait_pane "$PANE" "bootcon-exec: .*badformat"
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(badformat\) exited'
	run -0 bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	probe_window_stdio "$T/probe" "$PTY"
}

@test "bootcon-exec: PROG gets its arguments and environment unchanged, found on PATH" {
	start_server
	# shellcheck disable=SC2016 # expanded by the inner shell
	BCT_VAR='a b' run -0 bootcon-exec -s "$SOCK" -- sh -c \
		'printf "%s|%s|%s|%s\n" "$BCT_VAR" "$1" "$2" "$#" >"$3"' sh one 'two  words' "$T/args"
	[ "$(cat "$T/args")" = "a b|one|two  words|3" ]
}

@test "bootcon-exec: \$BOOTCON_SOCKET names the socket when -s is not given" {
	start_server
	BOOTCON_SOCKET=$SOCK run -0 bootcon-exec -- fdprobe -o "$T/probe"
	probe_window_stdio "$T/probe" "$PTY"
	BOOTCON_SOCKET=$SOCK run -111 --separate-stderr bootcon-exec -t 0.2 -s "$SOCK-other" -- true
	[[ "$stderr" == *"$SOCK-other"* ]]
}

@test "the default socket is @init_console (checked in a private network namespace)" {
	need_root "a network namespace"
	run -111 --separate-stderr timeout 10 unshare --net bootcon-exec -t 0.2 -- true
	[ "${stderr_lines[0]}" = "bootcon-exec: fatal: unable to connect to @init_console: Connection refused" ]
	# The server's output goes to files, never to bats' fds (a server
	# left behind must not hold bats up), the whole check has a deadline,
	# and the teardown kills what it started.
	# shellcheck disable=SC2016 # expanded by the inner shell
	run timeout 20 unshare --net sh -c '
		ptyrun -p "$1/spid" bootcon-server -1 -d 4 4>"$1/ready" \
		    </dev/null >"$1/pty.out" 2>"$1/pty.err" 3>&- &
		echo "$!" >"$1/prpid"
		i=0
		while [ ! -s "$1/ready" ] && [ $((i += 1)) -lt 200 ]; do sleep 0.05; done
		grep -q " @init_console\$" /proc/net/unix &&
		bootcon-exec -t 10 -- fdprobe -o "$1/probe" && wait' sh "$T" 3>&- 4>&-
	for f in prpid spid; do
		[ ! -s "$T/$f" ] || track "$(cat "$T/$f")"
	done
	echo "status $status, output: $output"
	cat "$T/pty.out"
	[ "$status" -eq 0 ]
	grep -q '^bootcon: waiting on @init_console$' "$T/pty.out"
	[[ "$(probe "$T/probe" 'fd 0')" == /dev/pts/* ]]
	probe_is "$T/probe" "fds 0 1 2" same-tty
}
