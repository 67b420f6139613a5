#!/usr/bin/env bats
# Other uids (setpriv, as root): the server hands its window to root, to its
# own uid and to the uids of -u, and refuses the others (the window says
# so); a busy window answers only allowed uids; a name bound first by
# another uid never receives a root process.  Each test skips when not root.

# shellcheck disable=SC2154 # $stderr and $stderr_lines come from bats run
load test_helper

setup_file() {
	export BATS_TEST_TIMEOUT=120
}

setup() {
	bc_setup
	[ "$(id -u)" -ne 0 ] || other_uid_setup
}

teardown() {
	bc_teardown
}

@test "a client of another uid is refused: it exits 1, the window says so, the server keeps serving" {
	need_root "another uid"
	start_server
	run -1 --separate-stderr nobody bootcon-exec -s "$SOCK" -- touch "$T/pub/marker"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" == "bootcon-exec: fatal: "*"$SOCK"* ]]
	wait_pane "$PANE" '^bootcon: refused uid 65534 \(pid [0-9]+\)$'
	[ ! -e "$T/pub/marker" ]
	# With -f it runs PROG on its own stdio.
	run -0 nobody bootcon-exec -f -s "$SOCK" -- fdprobe -o "$T/pub/probe"
	probe_is "$T/pub/probe" uid 65534
	probe_is "$T/pub/probe" openfds "0 1 2"
	[ "$(probe "$T/pub/probe" 'fd 0')" != "$PTY" ]
	alive "$SPID"
	run -0 bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	probe_window_stdio "$T/probe" "$PTY"
}

@test "-u UID lets that uid take the window, with job control; other uids are still refused" {
	need_root "another uid"
	start_server -u 65534
	run -0 nobody bootcon-exec -s "$SOCK" -- fdprobe -o "$T/pub/probe"
	probe_window_stdio "$T/pub/probe" "$PTY"
	probe_is "$T/pub/probe" uid 65534
	probe_is "$T/pub/probe" ctty yes
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(fdprobe\) exited'
	run -1 setpriv --reuid=65533 --regid=65533 --clear-groups \
		bootcon-exec -s "$SOCK" -- touch "$T/pub/marker"
	wait_pane "$PANE" '^bootcon: refused uid 65533 '
	[ ! -e "$T/pub/marker" ]
}

@test "while the window is busy, an allowed uid is told so and a refused uid gets nothing" {
	need_root "another uid"
	start_server
	bg /dev/null "$T/out" "$T/err" bootcon-exec -t 10 -s "$SOCK" -- fdprobe -w
	holder=$BG
	wait_pane "$PANE" '^fdprobe ready'
	# root (allowed): the busy byte, no fds.
	run -0 fakeclient -s "$SOCK" -w 10 noack
	[ "${lines[1]}" = "got tag 0xbe fds 0" ]
	# nobody (not allowed): the connection closes with nothing in it.
	run -0 nobody fakeclient -s "$SOCK" -w 10 noack
	echo "$output"
	[ "${lines[0]}" = connected ]
	[ "${lines[1]}" = "server closed" ]
	[[ "$output" != *"got tag"* ]]
	run -1 --separate-stderr nobody bootcon-exec -t 10 -s "$SOCK" -- touch "$T/pub/marker"
	[ "$stderr" = "bootcon-exec: fatal: $SOCK closed the connection without handing over a terminal (not allowed?)" ]
	[ ! -e "$T/pub/marker" ]
	# The holder keeps the window.
	tx send-keys -t "$PANE" 'still mine' Enter
	wait_pane "$PANE" '^got: still mine$'
	end_and_serve_again "$holder"
}

@test "a name bound first by another uid never receives a root process (a real server squatting)" {
	need_root "another uid"
	SERVER_WRAP=$NOBODY start_server
	run -1 --separate-stderr bootcon-exec -s "$SOCK" -- touch "$T/marker"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" == "bootcon-exec: fatal: "*"$SOCK"*65534* ]]
	[ ! -e "$T/marker" ]
	run -0 --separate-stderr bootcon-exec -f -s "$SOCK" -- fdprobe -o "$T/probe"
	[[ "${stderr_lines[0]}" == "bootcon-exec: warning: "* ]]
	probe_is "$T/probe" openfds "0 1 2"
	[ "$(probe "$T/probe" 'fd 0')" != "$PTY" ]
	pane_lacks "$PANE" 'exited$'
}

@test "a name bound first by another uid never receives a root process (a fake server offering a pty)" {
	need_root "another uid"
	setpriv --reuid=65534 --regid=65534 --clear-groups fakeserver -s "$SOCK" -d 4 pty </dev/null >"$T/fs.log" 2>&1 4>"$T/ready" 3>&- &
	track $!
	wait_until "[ -s '$T/ready' ]"
	run -1 bootcon-exec -s "$SOCK" -- touch "$T/marker"
	[ ! -e "$T/marker" ]
	file_lacks "$T/fs.log" '^ack'
	mkfifo "$T/in"
	bg "$T/in" "$T/out" "$T/err" bootcon-exec -f -s "$SOCK" -- fdprobe -o "$T/probe" -w
	exec 5>"$T/in"
	wait_file "$T/out" '^fdprobe ready$'
	probe_is "$T/probe" openfds "0 1 2"
	probe_is "$T/probe" "fd 0" "$T/in"
	exec 5>&-
	reap "$BG"
	[ "$ST" -eq 0 ]
}

@test "a user's own server hands its window to that user's client, with job control" {
	need_root "another uid"
	SERVER_WRAP=$NOBODY start_server
	run -0 nobody bootcon-exec -s "$SOCK" -- fdprobe -o "$T/pub/probe"
	probe_window_stdio "$T/pub/probe" "$PTY"
	probe_is "$T/pub/probe" ctty yes
	probe_is "$T/pub/probe" foreground yes
}

@test "a server that is not the session leader: others go on without job control, root takes the terminal" {
	need_root "another uid"
	PANE=$(window "bootcon-server -s '$SOCK' -u 65534 -d 4 4>'$T/ready'; exit 0")
	wait_until "[ -s '$T/ready' ]"
	PTY=$(pane_fmt "$PANE" '#{pane_tty}')
	bg /dev/null "$T/out" "$T/err" setpriv --reuid=65534 --regid=65534 --clear-groups \
		bootcon-exec -s "$SOCK" -- fdprobe -o "$T/pub/probe" -w
	wait_pane "$PANE" '^fdprobe ready'
	probe_window_stdio "$T/pub/probe" "$PTY"
	probe_is "$T/pub/probe" ctty no
	wait_pane "$PANE" 'no job control'
	# ^C, ^\ and ^Z now go to the server's group: it must ignore them.
	tx send-keys -t "$PANE" C-c C-\\ C-z
	tx send-keys -t "$PANE" 'after keys' Enter
	wait_pane "$PANE" '^got: after keys$'
	end_and_serve_again "$BG"
	probe_is "$T/probe" ctty yes
}
