#!/usr/bin/env bats
# bootcon-server against hostile clients (tests/helpers/fakeclient): it
# keeps its terminal and serves the next real client.

# shellcheck disable=SC2154 # $stderr comes from bats run --separate-stderr
load test_helper

setup() {
	bc_setup
	start_server
}

teardown() {
	bc_teardown
}

# Start fakeclient MODE (holding for at most 60 s) in the background, logging
# to $T/fc.log; set FCPID.
fake_client() {
	bg /dev/null "$T/fc.log" "$T/fc.err" fakeclient -s "$SOCK" -w 60 "$1"
	FCPID=$BG
}

# Assert the server still has its window and hands it to a real client
# (allowed to wait for the server's 5 s acknowledgement timeout).
serves_next() {
	alive "$SPID"
	[ "$(readlink "/proc/$SPID/fd/0")" = "$PTY" ]
	run bootcon-exec -t 10 -s "$SOCK" -- fdprobe -o "$T/probe"
	[ "$status" -eq 0 ]
	probe_window_stdio "$T/probe" "$PTY"
	probe_is "$T/probe" ctty yes
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(fdprobe\) exited'
	alive "$SPID"
	[ "$(pane_fmt "$PANE" '#{pane_dead}')" = 0 ]
}

@test "a client that connects and leaves: the server serves the next client" {
	run -0 fakeclient -s "$SOCK" leave
	serves_next
	[ "$(pane "$PANE" | grep -c 'exited$')" -eq 1 ]
}

@test "a client that sends garbage: the server serves the next client" {
	fake_client garbage
	wait_file "$T/fc.log" '^sent garbage$'
	serves_next
	[ "$(pane "$PANE" | grep -c 'exited$')" -eq 1 ]
}

@test "a client that reads the fds and never acknowledges: the server serves the next client" {
	fake_client noack
	wait_file "$T/fc.log" '^got tag 0xb1 fds 3$'
	serves_next
	# The server gave up on it (closed the connection) instead of waiting.
	wait_file "$T/fc.log" '^server closed$'
	[ "$(pane "$PANE" | grep -c 'exited$')" -eq 1 ]
}

@test "a client that forks after connecting: the window is held for the child that acknowledged, not the parent" {
	fake_client forkack
	wait_file "$T/fc.log" '^parent [0-9]+ exits$'
	child=$(sed -n 's/^child \([0-9]*\) acked$/\1/p' "$T/fc.log")
	[ -n "$child" ]
	track "$child"
	reap "$FCPID"
	run -1 --separate-stderr bootcon-exec -t 10 -s "$SOCK" -- touch "$T/marker"
	[[ "$stderr" == *busy* ]]
	[ ! -e "$T/marker" ]
	kill "$child"
	wait_pane "$PANE" "^bootcon: pid $child \\(fakeclient\\) exited"
	serves_next
}

@test "a client that reads the fds and dies without acknowledging: the server serves the next client" {
	fake_client noack
	wait_file "$T/fc.log" '^got tag 0xb1 fds 3$'
	kill -KILL "$FCPID"
	serves_next
	[ "$(pane "$PANE" | grep -c 'exited$')" -eq 1 ]
}

@test "a client that never reads: the server serves the next client" {
	fake_client noread
	wait_file "$T/fc.log" '^holding$'
	serves_next
	alive "$FCPID"
}

@test "a client that answers a wrong byte: the server serves the next client" {
	fake_client badack
	wait_file "$T/fc.log" '^sent badack$'
	serves_next
	[ "$(pane "$PANE" | grep -c 'exited$')" -eq 1 ]
}

@test "hostile clients one after another, then a real client" {
	run -0 fakeclient -s "$SOCK" leave
	bg /dev/null "$T/g.log" /dev/null fakeclient -s "$SOCK" -w 60 garbage
	wait_file "$T/g.log" '^sent garbage$'
	bg /dev/null "$T/b.log" /dev/null fakeclient -s "$SOCK" -w 60 badack
	wait_file "$T/b.log" '^sent badack$'
	run -0 fakeclient -s "$SOCK" leave
	serves_next
}

@test "a client that acknowledges holds the window until it exits, then the server serves again" {
	bg /dev/null "$T/fc.log" "$T/fc.err" fakeclient -s "$SOCK" -w 1 ack
	wait_file "$T/fc.log" '^sent ack$'
	reap "$BG"
	wait_pane "$PANE" "^bootcon: pid $BG \\(fakeclient\\) exited"
	serves_next
}

@test "a hostile client while the window is busy gets only the busy byte; the holder keeps the window" {
	bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- fdprobe -w
	holder=$BG
	wait_pane "$PANE" '^fdprobe ready'
	fake_client noack
	wait_file "$T/fc.log" '^got tag 0xbe fds 0$'
	run -0 fakeclient -s "$SOCK" leave
	tx send-keys -t "$PANE" 'still mine' Enter
	wait_pane "$PANE" '^got: still mine$'
	tx send-keys -t "$PANE" C-d
	reap "$holder"
	[ "$ST" -eq 0 ]
	serves_next
}
