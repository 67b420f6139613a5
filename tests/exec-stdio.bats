#!/usr/bin/env bats
# Whatever bootcon-exec starts with (closed stdio, extra inherited fds,
# ignored or blocked signals, a non-blocking terminal), PROG sees exactly
# fds 0, 1, 2, all the window's terminal, blocking, with default signals.

load test_helper

setup() {
	bc_setup
}

teardown() {
	bc_teardown
}

@test "a client started with fds 0, 1 and 2 closed: PROG sees exactly the window's terminal on 0, 1, 2" {
	start_server
	bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe" 0<&- 1>&- 2>&- 3>&- &
	track $!
	reap $!
	[ "$ST" -eq 0 ]
	probe_window_stdio "$T/probe" "$PTY"
	probe_is "$T/probe" ctty yes
}

@test "a client started with only fd 0 closed, or only fds 1 and 2: PROG sees the window's terminal on 0, 1, 2" {
	start_server
	bootcon-exec -s "$SOCK" -- fdprobe -o "$T/p0" 0<&- >"$T/out" 2>"$T/err" 3>&- &
	track $!
	reap $!
	[ "$ST" -eq 0 ]
	probe_window_stdio "$T/p0" "$PTY"
	bootcon-exec -s "$SOCK" -t 5 -- fdprobe -o "$T/p12" </dev/null 1>&- 2>&- 3>&- &
	track $!
	reap $!
	[ "$ST" -eq 0 ]
	probe_window_stdio "$T/p12" "$PTY"
	[ ! -s "$T/out" ]
	[ ! -s "$T/err" ]
}

@test "a client with extra inherited fds: PROG sees only 0, 1, 2" {
	start_server
	bg /dev/null "$T/out" "$T/err" setstate -k 20 -k 1000 \
		bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe" 9</etc/passwd 8>"$T/extra"
	reap "$BG"
	[ "$ST" -eq 0 ]
	probe_window_stdio "$T/probe" "$PTY"
}

@test "a client with ignored and blocked signals: PROG gets default dispositions and an empty mask" {
	start_server
	(
		trap '' INT HUP QUIT
		exec setstate -i TERM,USR1,TSTP -b INT,TERM,USR2,CHLD,WINCH \
			bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe" 3>&-
	) </dev/null >"$T/out" 2>"$T/err" &
	track $!
	reap $!
	[ "$ST" -eq 0 ]
	probe_window_stdio "$T/probe" "$PTY"
}

@test "a window whose terminal was left non-blocking: PROG's fds are blocking" {
	SERVER_WRAP='setstate -n 0' start_server
	flags=$(sed -n 's/^flags:[[:space:]]*//p' "/proc/$SPID/fdinfo/0")
	# O_NONBLOCK is 04000: make sure the test starts with it set.
	[ $((0$flags & 04000)) -ne 0 ]
	run -0 bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	probe_window_stdio "$T/probe" "$PTY"
}

@test "with -f and fds 0-2 closed: PROG runs with exactly fds 0, 1, 2 open" {
	bootcon-exec -f -t 0.2 -s "$SOCK" -- fdprobe -o "$T/probe" 0<&- 1>&- 2>&- 3>&- &
	track $!
	reap $!
	[ "$ST" -eq 0 ]
	probe_is "$T/probe" openfds "0 1 2"
	probe_is "$T/probe" sigign none
}

@test "with -f, extra inherited fds and ignored signals: PROG runs on the original stdio with only 0, 1, 2" {
	(
		trap '' INT HUP
		exec setstate -b TERM -k 12 bootcon-exec -f -t 0.2 -s "$SOCK" -- \
			fdprobe -o "$T/probe" 9</etc/passwd 3>&-
	) </dev/null >"$T/out" 2>"$T/err" &
	track $!
	reap $!
	[ "$ST" -eq 0 ]
	probe_is "$T/probe" openfds "0 1 2"
	probe_is "$T/probe" "fd 0" /dev/null
	probe_is "$T/probe" "fd 1" "$T/out"
	probe_is "$T/probe" "fd 2" "$T/err"
	probe_is "$T/probe" sigmask empty
	probe_is "$T/probe" sigign none
	lines_are "$T/err" 1
}

@test "-C leaves PROG with no controlling terminal at all, not even the caller's" {
	start_server
	# ptyrun gives bootcon-exec a controlling terminal of its own, like a shell's.
	run -0 ptyrun bootcon-exec -C -s "$SOCK" -- fdprobe -o "$T/probe"
	probe_window_stdio "$T/probe" "$PTY"
	probe_is "$T/probe" ctty no
}
