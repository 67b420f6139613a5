#!/usr/bin/env bats
# Hostile timing: a window whose output is stopped (^S) never holds up a
# hand-off past -t, nor the server's serving or its signals; a client the
# server gave up on never runs PROG on the window; a window with room takes
# every line, however little is left of the deadline.

# shellcheck disable=SC2154 # $stderr comes from bats run --separate-stderr
load test_helper

export BATS_TEST_TIMEOUT=60

setup() {
	bc_setup
}

teardown() {
	# Restart the window's output, whatever the test left.
	[ -z "${PANE:-}" ] || tx send-keys -t "$PANE" C-q 2>/dev/null || true
	bc_teardown
}

# Stop the window's output as a user typing ^S would, and check it stopped.
stop_output() {
	tx send-keys -t "$PANE" C-s
	wait_until "ttystopped '$(pane_fmt "$PANE" '#{pane_tty}')'"
}

# Run CMD... in the background and assert that it ends, with status 0,
# within SECONDS.
ends_within() {
	local secs=$1
	shift
	bg /dev/null "$T/out" "$T/err" "$@"
	if ! reap "$BG" "$secs"; then
		echo "still running after ${secs}s: $*" >&2
		cat "$T/err" >&2
		return 1
	fi
	if [ "$ST" -ne 0 ]; then
		echo "exit $ST: $*" >&2
		cat "$T/err" >&2
		return 1
	fi
}

@test "output stopped (^S): the client's line in the window (no job control, or -v's by force) never holds the hand-off past -t" {
	SERVER_CHILD=1 start_server
	stop_output
	ends_within 3 bootcon-exec -v -t 1 -s "$SOCK" -- true
	# The line was dropped, not left blocking: the server is free again.
	wait_until "[ \"\$(bootcon-server -Q -s '$SOCK')\" = waiting ]"
}

@test "output stopped (^S): a client of another uid gets the window within -t, its 'no job control' line dropped" {
	need_root
	SERVER_CHILD=1 start_server -u 65534
	stop_output
	ends_within 3 setpriv --reuid=65534 --regid=65534 --clear-groups \
		bootcon-exec -t 1 -s "$SOCK" -- true
}

@test "a window with room takes every line, whatever is left of the deadline (each millisecond from 0 to 3 s)" {
	# write_within bounds bootcon-exec's lines by what is left of -t: a budget
	# of 999, 1999... ms must not make a bad timer and drop the line.
	writewithin 0 2999 >"$T/lines" 2>"$T/err" || {
		cat "$T/err" >&2
		return 1
	}
	lines_are "$T/lines" 3000
	# And on a window's terminal, around the default deadline of 1 s.
	local w
	w=$(window 'writewithin 990 1009 2>&1; echo "status $?"')
	wait_pane "$w" '^status [0-9]+$'
	pane_lacks "$w" 'dropped'
	wait_pane "$w" '^status 0$'
	wait_pane "$w" '^ms 999$'
}

@test "a client that stalls past the server's acknowledgement deadline fails (111) and never runs PROG on the window" {
	start_server
	# strace holds the client's ack (its first sendto) for 6 s: the server
	# gives up after 5 s.
	run -111 --separate-stderr strace -f -o /dev/null \
		-e inject=sendto:delay_enter=6s:when=1 \
		bootcon-exec -t 10 -s "$SOCK" -- touch "$T/marker"
	[[ "$stderr" == *"unable to acknowledge to $SOCK: it gave up on the hand-off"* ]]
	[ ! -e "$T/marker" ]
	# The window is free: the next client gets it, and it is the only one.
	bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	probe_window_stdio "$T/probe" "$PTY"
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(fdprobe\) exited'
	[ "$(pane "$PANE" | grep -c 'exited$')" -eq 1 ]
}

@test "a client that stalls past the server's deadline: with -f PROG runs on its original stdio, not on the window" {
	start_server
	strace -f -o /dev/null -e inject=sendto:delay_enter=6s:when=1 \
		bootcon-exec -f -t 10 -s "$SOCK" -- fdprobe -o "$T/probe" \
		</dev/null >"$T/out" 2>"$T/err"
	probe_is "$T/probe" openfds "0 1 2"
	probe_is "$T/probe" "fd 0" /dev/null
	probe_is "$T/probe" "fd 1" "$T/out"
	probe_is "$T/probe" "fd 2" "$T/err"
	grep -q "^bootcon-exec: warning: unable to acknowledge to $SOCK: .*running fdprobe on the original stdio" "$T/err"
	pane_lacks "$PANE" 'exited$'
}

@test "output stopped (^S): a refused peer's line never freezes the server; the next client is served and SIGTERM acted on" {
	need_root
	start_server
	stop_output
	run -1 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		bootcon-exec -t 2 -s "$SOCK" -- true
	[[ "$stderr" == *"closed the connection"* ]]
	ends_within 3 bootcon-exec -t 2 -s "$SOCK" -- true
	stop_output
	kill -TERM "$SPID"
	wait_until "! alive $SPID" 1
}

@test "output stopped (^S): -v's connection line never freezes the server" {
	start_server -v
	stop_output
	ends_within 3 bootcon-exec -t 2 -s "$SOCK" -- true
	stop_output
	kill -TERM "$SPID"
	wait_until "! alive $SPID" 1
}
