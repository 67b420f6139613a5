#!/usr/bin/env bats
# bootcon-server's command line and exit codes (DESIGN.md): 100 usage,
# 1 when fds 0-2 are not one terminal or the socket name is in use.
# ptyrun gives the server a terminal of its own and returns its exit status.

# $stderr and $stderr_lines come from "run --separate-stderr"; each test runs
# in a subshell of its own, so changing a global inside one is intended.
# shellcheck disable=SC2154,SC2030,SC2031

load test_helper


setup() {
	bc_setup
}

teardown() {
	bc_teardown
}

@test "bootcon-server: an unknown option or an extra argument is a usage error (100)" {
	run -100 ptyrun bootcon-server --bogus -s "$SOCK"
	run -100 ptyrun bootcon-server -x -s "$SOCK"
	run -100 --separate-stderr bootcon-server -s "$SOCK" extra </dev/null
	[[ "$stderr" == *bootcon-server* ]]
}

@test "bootcon-server: a socket name too long is a usage error (100)" {
	long=$(printf '%0120d' 0)
	run -100 --separate-stderr bootcon-server -s "@$long" </dev/null
	[[ "$stderr" == *"too long"* ]]
	run -100 ptyrun bootcon-server -s "@$long"
	run -100 ptyrun bootcon-server -s "$T/$long"
}

@test "bootcon-server: a bad -d or -u is a usage error (100)" {
	run -100 ptyrun bootcon-server -s "$SOCK" -d x
	run -100 ptyrun bootcon-server -s "$SOCK" -d 1
	run -100 ptyrun bootcon-server -s "$SOCK" -u no-such-user-bct
	run -100 ptyrun bootcon-server -s "$SOCK" -u -5
	run -100 ptyrun bootcon-server -s "$SOCK" -u ' 5'
}

@test "bootcon-server: a usage error names the bad option, not the program" {
	run -100 --separate-stderr bootcon-server -xq </dev/null
	[ "$stderr" = "bootcon-server: fatal: unknown option -x (usage: bootcon-server -h)" ]
	run -100 --separate-stderr bootcon-server -s </dev/null
	[ "$stderr" = "bootcon-server: fatal: option -s needs an argument (usage: bootcon-server -h)" ]
}

@test "bootcon-server: fds 0-2 that are not one terminal: exit 1 with a clear line" {
	run -1 --separate-stderr bootcon-server -s "$SOCK" </dev/null
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" == "bootcon-server: fatal: "* ]]
	# shellcheck disable=SC2016 # expanded by the inner shell
	run -1 ptyrun sh -c 'exec bootcon-server -s "$1" >/dev/null' sh "$SOCK"
	[[ "$output" == *"bootcon-server: fatal: "* ]]
	# Nothing was left listening.
	run -111 bootcon-exec -t 0.1 -s "$SOCK" -- true
}

@test "bootcon-server: a socket name in use: exit 1 naming it, before anything else; the first server keeps serving" {
	pty_server
	first=$SPID
	run -1 ptyrun bootcon-server -s "$SOCK"
	[[ "$output" == *"bootcon-server: fatal: socket name in use: $SOCK"* ]]
	[[ "$output" != *"waiting on"* ]]
	alive "$first"
	run -0 bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	probe_window_stdio "$T/probe" "$PTY"
}

@test "bootcon-server: a name held by another program is in use too (exit 1)" {
	fake_server silent
	run -1 ptyrun bootcon-server -s "$SOCK"
	[[ "$output" == *"socket name in use: $SOCK"* ]]
	alive "$FSPID"
}

@test "bootcon-server: in a tmux window, a name in use leaves the message in the window" {
	start_server
	pane2=$(window "exec bootcon-server -s '$SOCK'")
	wait_until "pane_dead '$pane2'"
	wait_pane "$pane2" "^bootcon-server: fatal: socket name in use: $SOCK\$"
	alive "$SPID"
}

@test "bootcon-server: -d writes a newline to the fd once it listens" {
	pty_server
	[ "$(od -An -c "$T"/ready.* | tr -d ' ')" = '\n' ]
	run -0 fakeclient -s "$SOCK" leave
}

# Run bootcon-server ARGS... with -d 4 on a pty of its own; expect exit CODE,
# and on fd 4 exactly one line "CODE MESSAGE" where MESSAGE is the fatal
# line of its stderr without the "bootcon-server: fatal: " prefix.
reports() {
	local code=$1
	shift
	run ptyrun bootcon-server "$@" -d 4 4>"$T/report"
	[ "$status" -eq "$code" ]
	lines_are "$T/report" 1
	msg=$(grep '^bootcon-server: fatal: ' <<<"$output" | tr -d '\r')
	[ -n "$msg" ]
	[ "$(cat "$T/report")" = "$code ${msg#bootcon-server: fatal: }" ]
}

@test "bootcon-server -d: a failure to start is reported on the readiness fd as one line, its exit code and message" {
	reports 100 -x -s "$SOCK"
	reports 100 -s "$SOCK" -u no-such-user-bct
	reports 100 -s no-slash
	reports 100 -s "$SOCK" extra
	fake_server silent
	reports 1 -s "$SOCK"
	mkdir -m 777 "$T/open"
	reports 1 -s "$T/open/sock"
	# Not a terminal: the report, without ptyrun.
	run -1 bootcon-server -s "$SOCK-2" -d 4 4>"$T/report" </dev/null
	[[ "$(cat "$T/report")" == "1 fds 0, 1 and 2 must be one terminal: "* ]]
	# Listening: the newline alone, as before.
	ptyrun bootcon-server -s "$SOCK-3" -d 4 4>"$T/ok" </dev/null >/dev/null 2>&1 3>&- &
	track $!
	wait_until "[ -s '$T/ok' ]"
	[ "$(od -An -c "$T/ok" | tr -d ' ')" = '\n' ]
}
