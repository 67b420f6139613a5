#!/usr/bin/env bats
# bootcon list, stop and exec: list's lines, stop waiting for the server to
# exit (within BOOTCON_TIMEOUT), exec's and stop's default socket, consoles
# kept apart, and servers of the same name in other namespaces ignored.

# shellcheck disable=SC2154 # $stderr and $stderr_lines come from bats run
load test_helper

setup_file() {
	export BATS_TEST_TIMEOUT=120
}

setup() {
	bc_setup
	make_prog
}

teardown() {
	bc_teardown
}

# Start a console on $SOCK on a pty of its own (pty_server: tmux would
# resume a stopped pane), and stop its server (SIGSTOP): it cannot act on a
# SIGTERM until resumed.  SPID is the server's pid.
stopped_console() {
	pty_server
	# shellcheck disable=SC2153 # set by pty_server
	kill -STOP "$SPID"
	wait_until "grep -q '^State:[[:space:]]*T' /proc/$SPID/status"
}

# Succeed if a SIGTERM is pending for process PID.
term_pending() {
	local k v
	while read -r k v; do
		[ "$k" = ShdPnd: ] && [ $((16#$v & (1 << (15 - 1)))) -ne 0 ] && return 0
	done <"/proc/$1/status"
	return 1
}

@test "stop waits for the server to exit: one that cannot (stopped) fails stop with 111 after BOOTCON_TIMEOUT" {
	local sock spid t0
	sock=$(bc_sock)
	stopped_console
	spid=$SPID
	t0=$(date +%s%N)
	BOOTCON_TIMEOUT=1 run -111 --separate-stderr bootcon stop -s "$sock"
	[ "$stderr" = "bootcon: bootcon-server (pid $spid) on $sock did not exit" ]
	[ -z "$output" ]
	[ $(($(date +%s%N) - t0)) -ge 1000000000 ]
	run ! exited "$spid"
	listening "$sock"
	# Running again, it acts on the SIGTERM and exits.
	kill -CONT "$spid"
	wait_until "exited $spid"
	run ! listening "$sock"
	grep -q "^bootcon: waiting on $sock\$" "$T/pty.out"
}

@test "stop waits for a server slow to exit, and returns 0 only once it has" {
	local sock
	sock=$(bc_sock)
	stopped_console
	(rc=0
	BOOTCON_TIMEOUT=30 sh "$BOOTCON" stop -s "$sock" >"$T/stop.out" 2>&1 3>&- || rc=$?
	echo "$rc" >"$T/stop.rc") 3>&- &
	track $!
	# stop has sent its SIGTERM; the server has not exited: stop waits.
	wait_until "term_pending $SPID"
	[ ! -e "$T/stop.rc" ]
	kill -CONT "$SPID"
	wait_until "[ -s '$T/stop.rc' ]"
	# It returned once the server had exited.
	exited "$SPID"
	cat "$T/stop.out"
	[ "$(cat "$T/stop.rc")" -eq 0 ]
	[ ! -s "$T/stop.out" ]
}

@test "stop of an unknown socket fails with one line" {
	local sock
	sock=$(bc_sock)
	run -1 --separate-stderr bootcon stop -s "$sock"
	[ "$stderr" = "bootcon: no console on $sock" ]
}

@test "exec with no server exits 111" {
	local sock
	sock=$(bc_sock)
	run -111 --separate-stderr bootcon exec -s "$sock" -- true
	[[ $stderr == *"$sock"* ]]
}

@test "exec and stop default to BOOTCON_SOCKET" {
	local sock
	sock=$(bc_sock)
	export BOOTCON_SOCKET=$sock
	run bootcon start
	[ "$status" -eq 0 ]
	[ "$output" = "$sock" ]
	run bootcon exec -- sh -c 'echo "default socket works"; exit 0'
	[ "$status" -eq 0 ]
	wait_pane '=bootcon:' 'default socket works'
	run bootcon stop
	[ "$status" -eq 0 ]
	run ! listening "$sock"
}

@test "two consoles in one session are kept apart" {
	local a b
	a=$(bc_sock a)
	b=$(bc_sock b)
	bootcon start -s "$a" >/dev/null
	bootcon start -s "$b" >/dev/null
	bg_exec "$b" "$T/prog" "$T/pid" "$b"
	wait_pane '=bootcon:1' "prog ready on $b"
	tx send-keys -t '=bootcon:1' -l 'for b'
	tx send-keys -t '=bootcon:1' Enter
	wait_pane '=bootcon:1' 'prog got: for b'
	run pane '=bootcon:0'
	[[ $output == *"bootcon: waiting on $a"* ]]
	[[ $output != *prog* ]]
	[ "$(list_line "$a" | cut -f 2)" = waiting ]
	[ "$(list_line "$b" | cut -f 2)" = "busy pid $(cat "$T/pid")" ]
	# Stopping one leaves the other.
	bootcon stop -s "$a"
	wait_until "[ \"\$(tmux_windows bootcon)\" = '1 $b' ]"
	listening "$b"
}

@test "list and stop ignore a server of the same name in another network namespace" {
	need_root "a private network namespace"
	unshare -n true 2>/dev/null || skip "unshare -n does not work here"
	local sock other
	sock=$(bc_sock)
	# The other namespace's server (unshare execs it: the pane's process).
	other=$(tx new-session -d -s other -P -F '#{pane_pid}' unshare -n bootcon-server -s "$sock")
	wait_until "awk -v n='$sock' '\$8 == n { f = 1 } END { exit !f }' /proc/$other/net/unix"
	run -0 bootcon start -s "$sock"
	run list_line "$sock"
	[ "$output" = "$sock	waiting	tmux	bootcon	0" ]
	run -0 bootcon stop -s "$sock"
	run ! listening "$sock"
	kill -0 "$other"
	[ "$(cat "/proc/$other/comm")" = bootcon-server ]
	run -1 --separate-stderr bootcon stop -s "$sock"
	[ "$stderr" = "bootcon: no console on $sock" ]
	kill -0 "$other"
}

@test "list and stop ignore a server of the same path socket in another mount namespace" {
	need_root "a private mount namespace"
	unshare -m true 2>/dev/null || skip "unshare -m does not work here"
	local sock other
	mkdir -m 700 "$T/ns"
	sock=$T/ns/sock
	# The other namespace's server, on a tmpfs mounted over $T/ns there
	# only: its socket file is not ours to see (unshare and sh exec it: the
	# pane's process).
	# shellcheck disable=SC2016 # expanded by the inner shell
	other=$(tx new-session -d -s other -P -F '#{pane_pid}' unshare -m --propagation private \
	    sh -c 'mount -t tmpfs -o mode=700 bct "$1" && exec bootcon-server -s "$1/sock"' sh "$T/ns")
	wait_until "listening '$sock'"
	[ "$(cat "/proc/$other/comm")" = bootcon-server ]
	[ ! -e "$sock" ]
	run -0 list_line "$sock"
	echo "listed: $output"
	[ -z "$output" ]
	run -1 --separate-stderr bootcon stop -s "$sock"
	[ "$stderr" = "bootcon: no console on $sock" ]
	kill -0 "$other"
	# Ours, on the same path in our namespace: the only one listed and stopped.
	run -0 bootcon start -s "$sock"
	[ -S "$sock" ]
	run list_line "$sock"
	[ "$output" = "$sock	waiting	tmux	bootcon	0" ]
	run -0 bootcon stop -s "$sock"
	[ ! -e "$sock" ]
	kill -0 "$other"
	[ "$(cat "/proc/$other/comm")" = bootcon-server ]
	run -1 --separate-stderr bootcon stop -s "$sock"
	[ "$stderr" = "bootcon: no console on $sock" ]
	kill -0 "$other"
}

@test "list with no console prints nothing and exits 0" {
	need_root "a private PID namespace"
	unshare --pid --fork --mount-proc true 2>/dev/null ||
	    skip "unshare --pid does not work here"
	run --separate-stderr unshare --pid --fork --mount-proc sh "$BOOTCON" list
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
}
