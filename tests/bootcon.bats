#!/usr/bin/env bats
# The bootcon command: start, exec, list, stop, attach, with real tmux and
# screen servers on private sockets and real hand-offs.

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

@test "help prints the usage on stdout and exits 0" {
	run --separate-stderr bootcon help
	[ "$status" -eq 0 ]
	[[ $output == *"bootcon start [--tmux | --screen] [-s SOCKET] [-S SESSION]"* ]]
	[[ $output == *"bootcon list"* ]]
	[ -z "$stderr" ]
	run bootcon --help
	[ "$status" -eq 0 ]
}

@test "usage errors exit 100 with one line naming the problem" {
	run -100 --separate-stderr bootcon
	run -100 --separate-stderr bootcon frobnicate
	[ "$stderr" = "bootcon: unknown command: frobnicate (see bootcon help)" ]
	run -100 --separate-stderr bootcon start --bogus
	[ "${stderr_lines[0]}" = "bootcon: unknown argument: --bogus" ]
	[ "${stderr_lines[1]}" = "usage: bootcon start [--tmux | --screen] [-s SOCKET] [-S SESSION]" ]
	run -100 --separate-stderr bootcon start -s
	run -100 --separate-stderr bootcon stop -x
	run -100 --separate-stderr bootcon start -S a.b -s "$(bc_sock)"
	run -100 --separate-stderr bootcon start -S "$(printf 'a\tb')" -s "$(bc_sock)"
	[ "${stderr_lines[0]}" = "bootcon: bad tmux session name: $(printf 'a\tb')" ]
	# tmux stores $ and \ escaped in session names: refused too.
	# shellcheck disable=SC2016 # a literal $ in a session name
	run -100 --separate-stderr bootcon start -S 'a$b' -s "$(bc_sock)"
	[ "${stderr_lines[0]}" = "bootcon: bad tmux session name: a\$b" ]
	run -100 --separate-stderr bootcon start -S 'a\b' -s "$(bc_sock)"
	run ! listening "$(bc_sock)"
	run -100 --separate-stderr bootcon list extra
	# Nothing was started.
	run ! tx has-session
}

@test "tmux: start, exec, typed input, list waiting and busy, stop" {
	local sock pid spid
	sock=$(bc_sock)
	run --separate-stderr bootcon start -s "$sock"
	[ "$status" -eq 0 ]
	[ "$output" = "$sock" ]
	[ -z "$stderr" ]
	listening "$sock"
	# bootcon's own session, with the name in the window option.
	[ "$(tx show-options -wv -t '=bootcon:' @bootcon-socket)" = "$sock" ]
	wait_pane '=bootcon:' "bootcon: waiting on $sock"
	run list_line "$sock"
	[ "$output" = "$sock	waiting	tmux	bootcon	0" ]

	bg_exec "$sock" "$T/prog" "$T/pid" "$sock"
	wait_pane '=bootcon:' "prog ready on $sock"
	wait_until "[ -s '$T/pid' ]"
	pid=$(cat "$T/pid")
	[ "$pid" = "$BG" ]
	tx send-keys -t '=bootcon:' -l 'hello bootcon'
	tx send-keys -t '=bootcon:' Enter
	wait_pane '=bootcon:' 'prog got: hello bootcon'
	run list_line "$sock"
	[ "$output" = "$sock	busy pid $pid	tmux	bootcon	0" ]
	spid=$(tx display-message -p -t '=bootcon:' '#{pane_pid}')
	[ "$(cat "/proc/$spid/comm")" = bootcon-server ]

	run --separate-stderr bootcon stop -s "$sock"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# The server has exited by the time stop returns.
	exited "$spid"
	run ! listening "$sock"
	wait_until "! tx has-session -t =bootcon 2>/dev/null"
	[ -z "$(list_line "$sock")" ]
	# The program lost its terminal with the window.
	wait_until "! kill -0 $pid 2>/dev/null"
}

@test "screen: start, exec, typed input, list waiting and busy, stop" {
	local sock pid id spid
	sock=$(bc_sock)
	run --separate-stderr bootcon start --screen -s "$sock"
	[ "$status" -eq 0 ]
	[ "$output" = "$sock" ]
	[ -z "$stderr" ]
	listening "$sock"
	id=$(screen_id bootcon)
	[ -n "$id" ]
	[ "$(screen_windows "$id")" = "0 $sock" ]
	wait_screen "$id" 0 "bootcon: waiting on $sock"
	run list_line "$sock"
	[ "$output" = "$sock	waiting	screen	$id	0" ]

	bg_exec "$sock" "$T/prog" "$T/pid" "$sock"
	wait_screen "$id" 0 "prog ready on $sock"
	wait_until "[ -s '$T/pid' ]"
	pid=$(cat "$T/pid")
	screen -S "$id" -p 0 -X stuff 'typed in screen^M'
	wait_screen "$id" 0 'prog got: typed in screen'
	run list_line "$sock"
	[ "$output" = "$sock	busy pid $pid	screen	$id	0" ]
	spid=$(server_children "${id%%.*}")
	[ -n "$spid" ]

	run bootcon stop -s "$sock"
	[ "$status" -eq 0 ]
	# The server has exited by the time stop returns.
	exited "$spid"
	run ! listening "$sock"
	# The program still held the terminal: stop closed the window anyway,
	# at once (left alone, screen closes it some 10 s after the server
	# exits: 5 s is ample for screen, too little for that), and the
	# program lost its terminal with it.
	wait_until "[ -z \"\$(screen_id bootcon)\" ]" 5
	wait_until "exited $pid" 5
	[ -z "$(list_line "$sock")" ]
}

@test "tmux: a second start adds a window to the same session and server" {
	local a b spid
	a=$(bc_sock a)
	b=$(bc_sock b)
	run bootcon start -s "$a"
	[ "$output" = "$a" ]
	spid=$(tx display-message -p -t '=bootcon:' '#{pid}')
	run bootcon start -s "$b"
	[ "$status" -eq 0 ]
	[ "$output" = "$b" ]
	[ "$(tx display-message -p -t '=bootcon:' '#{pid}')" = "$spid" ]
	[ "$(tx list-sessions -F '#{session_name}')" = bootcon ]
	run tmux_windows bootcon
	[ "${lines[*]}" = "0 $a 1 $b" ]
	[ "$(tx show-options -wv -t '=bootcon:1' @bootcon-socket)" = "$b" ]
	listening "$a"
	listening "$b"
}

@test "screen: a second start adds a window to the same session" {
	local a b id
	a=$(bc_sock a)
	b=$(bc_sock b)
	run bootcon start --screen -s "$a"
	[ "$status" -eq 0 ]
	id=$(screen_id bootcon)
	BOOTCON_MUX=screen run bootcon start -s "$b"
	[ "$status" -eq 0 ]
	[ "$output" = "$b" ]
	[ "$(screen_id bootcon)" = "$id" ]
	run screen_windows "$id"
	[ "${lines[*]}" = "0 $a 1 $b" ]
	listening "$a"
	listening "$b"
}

@test "tmux: start on a used socket name fails and leaves no session behind" {
	local sock
	sock=$(bc_sock)
	run bootcon start -S first -s "$sock"
	[ "$status" -eq 0 ]
	run -1 --separate-stderr bootcon start -S second -s "$sock"
	[ "$stderr" = "bootcon: socket name in use: $sock" ]
	[ -z "$output" ]
	[ "$(tx list-sessions -F '#{session_name}')" = first ]
	# Into the existing session: no window left either.
	run -1 --separate-stderr bootcon start -S first -s "$sock"
	[ "$stderr" = "bootcon: socket name in use: $sock" ]
	run tmux_windows first
	[ "${lines[*]}" = "0 $sock" ]
	listening "$sock"
}

@test "tmux: start when the used name is the only session leaves no server" {
	local sock
	sock=$(bc_sock)
	# Another server holds the name, in the test's own tmux server.
	tmux_window holder bootcon-server -s "$sock" >/dev/null
	wait_until "listening '$sock'"
	# bootcon's tmux server (not running yet) under another name.
	export BOOTCON_TMUX_SERVER="$BC_TX2"
	run -1 --separate-stderr bootcon start -s "$sock"
	[ "$stderr" = "bootcon: socket name in use: $sock" ]
	run ! tx2 has-session
}

@test "screen: start on a used socket name fails and leaves nothing behind" {
	local sock id
	sock=$(bc_sock)
	run bootcon start --screen -S one -s "$sock"
	[ "$status" -eq 0 ]
	id=$(screen_id one)
	# A new session: removed again.
	run -1 --separate-stderr bootcon start --screen -S two -s "$sock"
	[ "$stderr" = "bootcon: socket name in use: $sock" ]
	[ -z "$(screen_id two)" ]
	# The existing session: the failed window is removed.
	run -1 --separate-stderr bootcon start --screen -S one -s "$sock"
	[ "$stderr" = "bootcon: socket name in use: $sock" ]
	[ "$(screen_windows "$id")" = "0 $sock" ]
	listening "$sock"
}

@test "start with tmux or screen missing from PATH: one line, exit 127" {
	local p
	p=$(path_without tmux screen)
	PATH=$p run -127 --separate-stderr "$p/sh" "$BOOTCON" start -s "$(bc_sock)"
	[ "$stderr" = "bootcon: tmux not found in PATH" ]
	PATH=$p run -127 --separate-stderr "$p/sh" "$BOOTCON" start --screen -s "$(bc_sock)"
	[ "$stderr" = "bootcon: screen not found in PATH" ]
	run ! tx has-session
	[ -z "$(screen_id bootcon)" ]
}

@test "start without bootcon-server: one line, exit 127, nothing started" {
	mkdir "$T/empty"
	BOOTCON_BIN=$T/empty run -127 --separate-stderr bootcon start -s "$(bc_sock)"
	[ "$stderr" = "bootcon: bootcon-server not found in BOOTCON_BIN ($T/empty)" ]
	run ! tx has-session
}

@test "start reports a bad socket name with the server's message and status" {
	local long
	long=@$(printf 'x%.0s' $(seq 120))
	run -100 --separate-stderr bootcon start -s "$long"
	[[ $stderr == "bootcon: "* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	run ! tx has-session
}

# A bootcon-server that never listens (exec'd, so it keeps the readiness
# channel open), in a directory for BOOTCON_BIN.
make_hung_server() {
	mkdir -p "$T/hung"
	printf '#!/bin/sh\nexec sleep 37\n' >"$T/hung/bootcon-server"
	chmod +x "$T/hung/bootcon-server"
}

@test "tmux: a server that never listens: one line after BOOTCON_TIMEOUT, exit 111, window removed" {
	local sock t0
	sock=$(bc_sock)
	make_hung_server
	t0=$SECONDS
	BOOTCON_BIN=$T/hung BOOTCON_TIMEOUT=1 run -111 --separate-stderr bootcon start -s "$sock"
	[ "$stderr" = "bootcon: bootcon-server did not listen on $sock within 1s" ]
	[ -z "$output" ]
	[ $((SECONDS - t0)) -lt 4 ]
	run ! tx has-session
	# Into an existing session: only the new window goes.
	bootcon start -S keep -s "$sock" >/dev/null
	BOOTCON_BIN=$T/hung BOOTCON_TIMEOUT=1 run -111 --separate-stderr bootcon start -S keep -s "$(bc_sock b)"
	[ "$stderr" = "bootcon: bootcon-server did not listen on $(bc_sock b) within 1s" ]
	run tmux_windows keep
	[ "${lines[*]}" = "0 $sock" ]
}

@test "screen: a server that never listens: one line after BOOTCON_TIMEOUT, exit 111, session removed" {
	local sock t0
	sock=$(bc_sock)
	make_hung_server
	t0=$SECONDS
	BOOTCON_BIN=$T/hung BOOTCON_TIMEOUT=1 run -111 --separate-stderr bootcon start --screen -s "$sock"
	[ "$stderr" = "bootcon: bootcon-server did not listen on $sock within 1s" ]
	[ $((SECONDS - t0)) -lt 4 ]
	wait_until "[ -z \"\$(screen_id bootcon)\" ]"
}

# Start (in the background) a console whose server never listens, in a new
# session SESSION; its status goes to $T/bg.rc, its stderr to $T/bg.err.
bg_hung_start() {
	(rc=0
	BOOTCON_BIN=$T/hung BOOTCON_TIMEOUT=3 sh "$BOOTCON" start "$@" \
	    >/dev/null 2>"$T/bg.err" 3>&- || rc=$?
	echo "$rc" >"$T/bg.rc") 3>&- &
	BG=$!
	track "$BG"
}

@test "tmux: a failed start that created the session removes only its own window" {
	local a b
	a=$(bc_sock a)
	b=$(bc_sock b)
	make_hung_server
	bg_hung_start -S shared -s "$a"
	wait_until "tx has-session -t =shared 2>/dev/null"
	# Another start adds a console to that session meanwhile.
	run -0 bootcon start -S shared -s "$b"
	wait_until "[ -s '$T/bg.rc' ]"
	[ "$(cat "$T/bg.rc")" -eq 111 ]
	run tmux_windows shared
	[ "${lines[*]}" = "1 $b" ]
	listening "$b"
}

@test "screen: a failed start that created the session removes only its own window" {
	local a b id
	a=$(bc_sock a)
	b=$(bc_sock b)
	make_hung_server
	bg_hung_start --screen -S shared -s "$a"
	wait_until "[ -n \"\$(screen_id shared)\" ]"
	id=$(screen_id shared)
	run -0 bootcon start --screen -S shared -s "$b"
	wait_until "[ -s '$T/bg.rc' ]"
	[ "$(cat "$T/bg.rc")" -eq 111 ]
	[ "$(screen_id shared)" = "$id" ]
	[ "$(screen_windows "$id")" = "1 $b" ]
	listening "$b"
}

# Start bootcon start ARG... with a server that never listens and a long
# deadline, in the background (BG); wait until it waits for readiness (its
# deadline timer, sleep 30, runs), then send it SIGTERM; it exits 143.
term_hung_start() {
	local rc=0
	BOOTCON_BIN=$T/hung BOOTCON_TIMEOUT=30 sh "$BOOTCON" start "$@" \
	    >/dev/null 2>"$T/bg.err" 3>&- &
	BG=$!
	track "$BG"
	wait_until "pgrep -P $BG -x sleep >/dev/null"
	kill -TERM "$BG"
	wait "$BG" || rc=$?
	[ "$rc" -eq 143 ]
}

@test "tmux: SIGTERM while start waits removes the half-started window" {
	local a b
	a=$(bc_sock a)
	b=$(bc_sock b)
	make_hung_server
	term_hung_start -s "$a"
	run ! tx has-session -t =bootcon
	# Into an existing session: only the new window goes.
	run -0 bootcon start -s "$b"
	term_hung_start -s "$a"
	run tmux_windows bootcon
	[ "${lines[*]}" = "0 $b" ]
}

@test "screen: SIGTERM while start waits removes the half-started window" {
	local a b id
	a=$(bc_sock a)
	b=$(bc_sock b)
	make_hung_server
	term_hung_start --screen -s "$a"
	wait_until "[ -z \"\$(screen_id bootcon)\" ]"
	run -0 bootcon start --screen -s "$b"
	id=$(screen_id bootcon)
	term_hung_start --screen -s "$a"
	wait_until "[ \"\$(screen_windows '$id')\" = '0 $b' ]"
	listening "$b"
}

@test "tmux: quotes and format characters in the session and socket names" {
	local s a b
	s="a,b}c#{d'e \"f"
	a=$(bc_sock "x'y\"z\$HOME#{pane_id}#S,#}")
	b=$(bc_sock b)
	run -0 bootcon start -S "$s" -s "$a"
	[ "$output" = "$a" ]
	# The session is found again: a second window, no second session.
	run -0 bootcon start -S "$s" -s "$b"
	[ "$(tx list-sessions -F '#{session_name}')" = "$s" ]
	run tmux_windows "$s"
	[ "${lines[*]}" = "0 $a 1 $b" ]
	[ "$(tx show-options -wv -t "=$s:0" @bootcon-socket)" = "$a" ]
	listening "$a"
	listening "$b"
}

@test "start leaves no file behind, and no deadline timer running" {
	local a
	a=$(bc_sock a)
	mkdir "$T/tmp"
	export TMPDIR=$T/tmp
	BOOTCON_TIMEOUT=7.25 run -0 bootcon start -s "$a"
	BOOTCON_TIMEOUT=7.25 run -0 bootcon start -s "$(bc_sock b)"
	run -1 bootcon start -s "$a"
	BOOTCON_TIMEOUT=7.25 run -0 bootcon start --screen -s "$(bc_sock c)"
	BOOTCON_TIMEOUT=7.25 run -0 bootcon start --screen -s "$(bc_sock d)"
	run -1 bootcon start --screen -s "$a"
	[ -z "$(ls -A "$T/tmp")" ]
	# (Only this test's timers: another run's may be running now.)
	# shellcheck disable=SC2016 # expanded by wait_until
	wait_until '[ -z "$(our_processes sleep 7.25)" ]' 2
}

@test "BOOTCON_TIMEOUT: a positive number, fractions allowed, else usage (100)" {
	local sock t
	sock=$(bc_sock)
	for t in abc 0 0.0 -1 1.2.3 . 1e3 99999999 ' 1'; do
		BOOTCON_TIMEOUT=$t run -100 --separate-stderr bootcon start -s "$sock"
		[ "${stderr_lines[0]}" = "bootcon: bad BOOTCON_TIMEOUT (seconds, more than 0): $t" ]
		BOOTCON_TIMEOUT=$t run -100 --separate-stderr bootcon stop -s "$sock"
		[ "${stderr_lines[1]}" = "usage: bootcon stop [-s SOCKET]" ]
	done
	run ! tx has-session
	BOOTCON_TIMEOUT=.5 run -0 bootcon start -s "$sock"
	BOOTCON_TIMEOUT=0.5 run -0 --separate-stderr bootcon stop -s "$sock"
	[ -z "$stderr" ]
	run ! listening "$sock"
	BOOTCON_TIMEOUT=007.50 run -0 bootcon start -s "$sock"
	BOOTCON_TIMEOUT=2. run -0 --separate-stderr bootcon stop -s "$sock"
	[ -z "$stderr" ]
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

@test "a path socket is made absolute and works" {
	local sock
	mkdir -m 700 "$T/run"
	cd "$T"
	run bootcon start -s run/console
	[ "$status" -eq 0 ]
	sock=$T/run/console
	[ "$output" = "$sock" ]
	[ -S "$sock" ]
	run bootcon exec -s "$sock" -- sh -c 'echo "via a path socket"'
	[ "$status" -eq 0 ]
	wait_pane '=bootcon:' 'via a path socket'
	run bootcon stop -s "$sock"
	[ "$status" -eq 0 ]
}

@test "list and stop ignore a server of the same name in another network namespace" {
	[ "$(id -u)" -eq 0 ] || skip "needs root for a private network namespace"
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
	[ "$(id -u)" -eq 0 ] || skip "needs root for a private mount namespace"
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
	[ "$(id -u)" -eq 0 ] || skip "needs root for a private PID namespace"
	unshare --pid --fork --mount-proc true 2>/dev/null ||
	    skip "unshare --pid does not work here"
	run --separate-stderr unshare --pid --fork --mount-proc sh "$BOOTCON" list
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "attach without a session fails with one line" {
	run -1 --separate-stderr bootcon attach -S nosuch
	[ "$stderr" = "bootcon: no tmux or screen session named nosuch" ]
}

@test "attach joins the console's tmux session from a terminal" {
	local sock outer
	sock=$(bc_sock)
	bootcon start -s "$sock" >/dev/null
	# A terminal for the attaching client: a window of another private server.
	outer=$(TX=tx2 tmux_window o "sh '$BOOTCON' attach")
	wait_until "[ \"\$(tx list-clients -F x | wc -l)\" -eq 1 ]"
	TX=tx2 wait_pane "$outer" "waiting on $sock"
}

@test "the demo starts a console, hands it a shell and says how to attach" {
	run --separate-stderr env BOOTCON_SESSION=bct-demo BOOTCON_DEMO_SOCKET="$(bc_sock demo)" \
	    sh "$ROOT/shell/bootcon-demo" </dev/null
	[ "$status" -eq 0 ]
	[[ $output == *"handed the console to a demo shell"* ]]
	[[ $output == *"attach -S bct-demo"* ]]
	[[ $output == *"stop -s $(bc_sock demo)"* ]]
	wait_pane '=bct-demo:' 'demo\$ $'
	[[ $(list_line "$(bc_sock demo)") == "$(bc_sock demo)	busy pid "* ]]
	# The demo shell is interactive on the window.
	# shellcheck disable=SC2016 # typed into the demo shell
	tx send-keys -t '=bct-demo:' -l 'echo "typed $((6 * 7))"'
	tx send-keys -t '=bct-demo:' Enter
	wait_pane '=bct-demo:' '^typed 42$'
	# Run again: the earlier demo is stopped and a new one started.
	run env BOOTCON_SESSION=bct-demo BOOTCON_DEMO_SOCKET="$(bc_sock demo)" \
	    sh "$ROOT/shell/bootcon-demo" </dev/null
	[ "$status" -eq 0 ]
	[[ $output == *"stopping the earlier demo console"* ]]
}

@test "bash completion completes commands, options and console sockets" {
	[ -f /usr/share/bash-completion/bash_completion ] ||
	    skip "bash-completion is not installed"
	local sock
	sock=$(bc_sock)
	bootcon start -s "$sock" >/dev/null
	run bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$1/shell/bootcon.bash-completion"
		comp() {
			COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
			COMPREPLY=(); _bootcon bootcon "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
			echo "${COMPREPLY[*]}"
		}
		comp bootcon st
		comp bootcon start --s
		comp bootcon stop -s "$2"
		comp bootcon exec -s x -- tru 2>/dev/null
		# As bash splits a line: @ is in COMP_WORDBREAKS, so "@bct"
		# comes as two words; the reply replaces what follows the @.
		# (An interactive bash has @ there, this one may not.)
		[[ $COMP_WORDBREAKS == *@* ]] || COMP_WORDBREAKS+=@
		lcomp() {
			COMP_LINE=$1; COMP_POINT=${#COMP_LINE}; shift
			COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMPREPLY=(); _bootcon bootcon "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
			echo "${COMPREPLY[*]}"
		}
		s=${2#@}
		lcomp "bootcon stop -s @${s%-*}" bootcon stop -s @ "${s%-*}"
		lcomp "bootcon exec -s @${s%-*}" bootcon exec -s @ "${s%-*}"
		lcomp "bootcon start -s @in" bootcon start -s @ in
		lcomp "bootcon stop -s @" bootcon stop -s @
		comp bootcon attach -s "$2"
		comp bootcon mi
		comp bootcon attach -' - "$ROOT" "$sock"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "start stop" ]
	[ "${lines[1]}" = "--screen" ]
	[ "${lines[2]}" = "$sock" ]
	[[ ${lines[3]} == *true* ]]
	[ "${lines[4]}" = "${sock#@}" ]
	[ "${lines[5]}" = "${sock#@}" ]
	[ "${lines[6]}" = init_console ]
	# After a bare @, every console of the machine is offered, ours too.
	[[ " ${lines[7]} " == *" ${sock#@} "* ]]
	# (@ is in COMP_WORDBREAKS from here: the part before it is stripped.)
	[ "${lines[8]}" = "${sock#@}" ]
	[ "${lines[9]}" = mirror ]
	[ "${lines[10]}" = "--tmux --screen -r -s -S --help" ]
}

@test "attach joins the console's screen session from a terminal" {
	local sock outer
	sock=$(bc_sock)
	bootcon start --screen -s "$sock" >/dev/null
	outer=$(TX=tx2 tmux_window o "TERM=xterm sh '$BOOTCON' attach --screen")
	wait_until "screen -ls | grep -q 'bootcon.*Attached'"
	TX=tx2 wait_pane "$outer" "waiting on $sock"
}
