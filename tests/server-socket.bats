#!/usr/bin/env bats
# Path sockets (a name with '/'): they work in a directory that is the
# user's and not writable by others, are refused elsewhere, replace a stale
# socket file, and are removed when the server stops.

# $status and $output come from bats run; each test runs in a subshell of
# its own, so changing them inside one is intended.
# shellcheck disable=SC2030,SC2031

load test_helper

setup() {
	bc_setup
	mkdir -m 700 "$T/d"
}

teardown() {
	bc_teardown
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

# Assert that bootcon-server refuses a path socket in directory DIR at once:
# exit 1, one fatal line naming DIR, no socket made.  A server that listens
# instead is ended by the deadline (and fails the test, with status 124).
refuses_dir() {
	run timeout 10 ptyrun bootcon-server -s "$1/sock" 3>&-
	echo "$1 ($(stat -c '%a, uid %u' "$1")): status $status, output: $output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bootcon-server: fatal: unsafe socket directory $1: "* ]]
	[ ! -e "$1/sock" ]
}

# A directory DIR of mode MODE (the umask does not apply: chmod).
mkdir_mode() {
	mkdir -m "$2" "$1"
	chmod "$2" "$1"
}

@test "a path socket in a world-writable directory is refused (exit 1, naming the directory)" {
	mkdir_mode "$T/w" 777
	refuses_dir "$T/w"
	mkdir_mode "$T/t" 1777
	refuses_dir "$T/t"
	mkdir_mode "$T/g" 770
	refuses_dir "$T/g"
}

@test "a path socket in a directory writable by others alone (0703) or by its group alone (0720) is refused" {
	mkdir_mode "$T/o" 703
	refuses_dir "$T/o"
	mkdir_mode "$T/g" 720
	refuses_dir "$T/g"
}

@test "a path socket in a 0700 directory of another uid is refused, even for root" {
	need_root
	mkdir_mode "$T/other" 700
	chown 65534:65534 "$T/other"
	refuses_dir "$T/other"
	[[ "$output" == *"it must be owned by uid 0 and not writable by others"* ]]
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
