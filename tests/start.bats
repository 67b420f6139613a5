#!/usr/bin/env bats
# bootcon start, with real tmux and screen servers on private sockets: it
# returns once the server listens and prints the socket name; a second
# start adds a window; a used name, a missing tmux, screen or
# bootcon-server, a server that never listens (BOOTCON_TIMEOUT) or a
# SIGTERM: one line, a non-zero exit, and nothing left behind; socket and
# session names, path sockets.

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

@test "screen: SIGTERM before screen has made the asked-for window still removes it once made" {
	local a b id spid real rc
	a=$(bc_sock a)
	b=$(bc_sock b)
	make_hung_server
	run -0 bootcon start --screen -s "$b"
	id=$(screen_id bootcon)
	spid=${id%%.*}
	# screen stops as start asks it for the window: the window is made
	# only after start has been told to go.
	real=$(command -v screen)
	mkdir "$T/shim"
	printf '#!/bin/sh\ncase " $* " in *" -X screen "*) kill -STOP %s ;; esac\nexec %s "$@"\n' \
	    "$spid" "$real" >"$T/shim/screen"
	chmod +x "$T/shim/screen"
	PATH=$T/shim:$PATH BOOTCON_BIN=$T/hung BOOTCON_TIMEOUT=30 sh "$BOOTCON" start --screen -s "$a" \
	    >/dev/null 2>"$T/bg.err" 3>&- &
	BG=$!
	track "$BG"
	wait_until "pgrep -P $BG -x sleep >/dev/null"
	kill -TERM "$BG"
	# Gone (the window then left behind), or asking the stopped screen.
	wait_until "! kill -0 $BG 2>/dev/null || [ -n \"\$(for c in \$(pgrep -P $BG); do pgrep -P \$c -x screen; done)\" ]" ||
	    { kill -CONT "$spid"; false; }
	kill -CONT "$spid"
	rc=0
	wait "$BG" || rc=$?
	[ "$rc" -eq 143 ]
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
