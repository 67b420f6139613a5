#!/usr/bin/env bats
# Path sockets (a name with '/'): they work in a directory that is the
# user's and not writable by others, are refused elsewhere, replace a stale
# socket file, and are removed when the server stops.

load test_helper
load handoff_helper

setup() {
	hh_setup
	mkdir -m 700 "$T/d"
}

teardown() {
	hh_teardown
}

@test "a path socket in a 0700 directory: the hand-off works, the socket is not open to others" {
	SOCK=$T/d/sock
	start_server
	[ -S "$SOCK" ]
	[ "$(stat -c %a "$SOCK")" = 600 ]
	wait_pane "$PANE" "^bootcon: waiting on $SOCK\$"
	run -0 bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	probe_window_stdio "$T/probe" "$PTY"
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(fdprobe\) exited'
}

@test "a path socket in a world-writable directory is refused (exit 1, naming the directory)" {
	mkdir -m 777 "$T/w"
	chmod 777 "$T/w"
	SOCK=$T/w/sock
	run -1 ptyrun bootcon-server -s "$SOCK"
	[[ "$output" == *"bootcon-server: fatal: "*"$T/w"* ]]
	[ ! -e "$SOCK" ]
	mkdir -m 1777 "$T/t"
	chmod 1777 "$T/t"
	run -1 ptyrun bootcon-server -s "$T/t/sock"
	[ ! -e "$T/t/sock" ]
	mkdir -m 770 "$T/g"
	chmod 770 "$T/g"
	run -1 ptyrun bootcon-server -s "$T/g/sock"
}

@test "a path socket in a missing directory is an error, not a crash" {
	run ptyrun bootcon-server -s "$T/missing/sock"
	[ "$status" -ne 0 ] && [ "$status" -lt 128 ]
	[[ "$output" == *"bootcon-server: fatal: "*"$T/missing"* ]]
}

@test "a stale socket file (its server died) is replaced" {
	SOCK=$T/d/sock
	fake_server silent
	kill -KILL "$FSPID"
	wait_until "! alive $FSPID"
	[ -S "$SOCK" ]
	run -0 bootcon-exec -t 0.1 -f -s "$SOCK" -- true
	start_server
	run -0 bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	probe_window_stdio "$T/probe" "$PTY"
}

@test "a path socket another server listens on is in use (exit 1) and left alone" {
	SOCK=$T/d/sock
	fake_server silent
	run -1 ptyrun bootcon-server -s "$SOCK"
	[[ "$output" == *"socket name in use: $SOCK"* ]]
	[ -S "$SOCK" ]
	run -0 fakeclient -s "$SOCK" leave
	wait_file "$T/fs.log" '^conn uid'
}

@test "the path socket is removed on SIGTERM and on SIGHUP" {
	SOCK=$T/d/sock
	for sig in TERM HUP; do
		pty_server
		[ -S "$SOCK" ]
		kill -"$sig" "$SPID"
		reap "$PRPID"
		[ "$ST" -eq 0 ]
		[ ! -e "$SOCK" ]
	done
}

@test "the path socket is removed when the window goes away, and after -1" {
	SOCK=$T/d/sock
	start_server
	tx kill-window -t "$PANE"
	wait_until "! alive $SPID"
	[ ! -e "$SOCK" ]
	start_server -1
	run -0 bootcon-exec -s "$SOCK" -- true
	wait_until "! alive $SPID"
	[ ! -e "$SOCK" ]
}

@test "a file that is not a socket at the path is never removed (name in use)" {
	SOCK=$T/d/sock
	echo precious >"$SOCK"
	bg /dev/null "$T/out" "$T/err" ptyrun -p "$T/spid" bootcon-server -s "$SOCK"
	reap "$BG" || true
	cat "$T/out"
	[ "$(cat "$SOCK")" = precious ]
	[ "$ST" -eq 1 ]
}
