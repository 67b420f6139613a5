#!/usr/bin/env bats
# The hand-off into a real tmux window: bootcon-server as the window's
# command, bootcon-exec run from the test (outside tmux).

# $stderr and $stderr_lines come from "run --separate-stderr"; each test runs
# in a subshell of its own, so changing a global inside one is intended.
# shellcheck disable=SC2030,SC2031,SC2154

load test_helper


setup() {
	bc_setup
}

teardown() {
	bc_teardown
}

@test "a client outside tmux takes the window: PROG sees exactly fds 0, 1, 2 on its terminal, blocking, default signals" {
	start_server
	wait_pane "$PANE" "^bootcon: waiting on $SOCK\$"
	# A background job of a non-interactive shell starts with SIGINT and
	# SIGQUIT ignored: bootcon-exec must reset them for PROG.
	bg /dev/null "$T/out" "$T/err" setstate -b TERM,USR1 -i HUP -k 9 \
		bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	reap "$BG"
	[ "$ST" -eq 0 ]
	probe_window_stdio "$T/probe" "$PTY"
	probe_is "$T/probe" pid "$BG"
	probe_is "$T/probe" sid "$BG"
	probe_is "$T/probe" ctty yes
	probe_is "$T/probe" tcgetsid "$BG"
	probe_is "$T/probe" foreground yes
	wait_pane "$PANE" "^bootcon: pid $BG \\(fdprobe\\) exited"
	[ "$(pane "$PANE" | grep -c "^bootcon: waiting on $SOCK\$")" -eq 2 ]
	[ ! -s "$T/err" ]
	alive "$SPID"
}

@test "typed input reaches the handed program and its output shows in the window" {
	start_server
	bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- fdprobe -w
	wait_pane "$PANE" '^fdprobe ready'
	tx send-keys -t "$PANE" 'hello there' Enter
	wait_pane "$PANE" '^got: hello there$'
	# Every line reaches it: the server never reads the terminal meanwhile.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		tx send-keys -t "$PANE" "line $i" Enter
	done
	wait_pane "$PANE" '^got: line 10$'
	[ "$(pane "$PANE" | grep -c '^got: line [0-9]*$')" -eq 10 ]
	tx send-keys -t "$PANE" C-d
	reap "$BG"
	[ "$ST" -eq 0 ]
	wait_pane "$PANE" "^bootcon: pid $BG \\(fdprobe\\) exited"
	[ ! -s "$T/out" ]
}

@test "input typed while the server waits is discarded, never read by the next program" {
	start_server
	tx send-keys -t "$PANE" 'typed-ahead' Enter
	wait_pane "$PANE" '^typed-ahead'
	bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- fdprobe -w
	wait_pane "$PANE" '^fdprobe ready'
	tx send-keys -t "$PANE" 'fresh' Enter
	wait_pane "$PANE" '^got: fresh$'
	pane_lacks "$PANE" 'got: typed-ahead'
	tx send-keys -t "$PANE" C-d
	reap "$BG"
}

@test "a handed sh -i has job control: ^C interrupts its foreground job, the server and window stay" {
	start_server
	PS1='bct$ ' bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- sh -i
	wait_pane "$PANE" '^bct\$ '
	tx send-keys -t "$PANE" 'sleep 100' Enter
	wait_until "[ \"\$(pane_fmt '$PANE' '#{pane_current_command}')\" = sleep ]"
	tx send-keys -t "$PANE" C-c
	wait_until "[ \"\$(pane_fmt '$PANE' '#{pane_current_command}')\" = sh ]"
	# shellcheck disable=SC2016 # expanded by the inner shell
	tx send-keys -t "$PANE" 'echo $((6 * 7))x' Enter
	wait_pane "$PANE" '^42x$'
	# A foreground job runs in its own process group, in the foreground.
	tx send-keys -t "$PANE" "fdprobe -o $T/job" Enter
	wait_until "[ -e '$T/job' ]"
	probe_is "$T/job" ctty yes
	probe_is "$T/job" sid "$BG"
	[ "$(probe "$T/job" pgid)" != "$BG" ]
	probe_is "$T/job" foreground yes
	# ^Z stops a job; the shell gets the terminal back.
	tx send-keys -t "$PANE" 'sleep 101' Enter
	wait_until "[ \"\$(pane_fmt '$PANE' '#{pane_current_command}')\" = sleep ]"
	tx send-keys -t "$PANE" C-z
	wait_until "[ \"\$(pane_fmt '$PANE' '#{pane_current_command}')\" = sh ]"
	tx send-keys -t "$PANE" 'jobs; kill -9 %1' Enter
	wait_pane "$PANE" 'Stopped'
	# ^C, ^\ and ^Z at the prompt reach neither the server nor the window.
	tx send-keys -t "$PANE" C-c C-\\ C-z
	# shellcheck disable=SC2016 # expanded by the inner shell
	tx send-keys -t "$PANE" 'echo still-$((1 + 1))' Enter
	wait_pane "$PANE" '^still-2$'
	alive "$SPID"
	[ "$(pane_fmt "$PANE" '#{pane_dead}')" = 0 ]
	tx send-keys -t "$PANE" 'exit 5' Enter
	reap "$BG"
	[ "$ST" -eq 5 ]
	wait_pane "$PANE" "^bootcon: pid $BG \\(sh\\) exited"
	alive "$SPID"
}

@test "a window resize reaches the handed program: SIGWINCH and the new size" {
	start_server
	PS1='bct$ ' bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- sh -i
	wait_pane "$PANE" '^bct\$ '
	tx send-keys -t "$PANE" "trap 'echo got-winch' WINCH" Enter
	tx resize-window -t "$PANE" -x 81 -y 21
	# dash runs the trap once the next command line is read.
	tx send-keys -t "$PANE" 'stty size' Enter
	wait_pane "$PANE" '^21 81$'
	wait_pane "$PANE" '^got-winch'
	tx send-keys -t "$PANE" 'exit' Enter
	reap "$BG"
}

@test "the static binaries (make static) do the same hand-off" {
	[ -x "$ROOT/c/static/bootcon-server" ] && [ -x "$ROOT/c/static/bootcon-exec" ] ||
		skip "c/static is not built (make static)"
	PANE=$(window "exec '$ROOT/c/static/bootcon-server' -s '$SOCK' -d 4 4>'$T/ready'")
	wait_until "[ -s '$T/ready' ]"
	PTY=$(pane_fmt "$PANE" '#{pane_tty}')
	bg /dev/null "$T/out" "$T/err" "$ROOT/c/static/bootcon-exec" -s "$SOCK" -- fdprobe -o "$T/probe"
	reap "$BG"
	[ "$ST" -eq 0 ]
	probe_window_stdio "$T/probe" "$PTY"
	probe_is "$T/probe" ctty yes
	wait_pane "$PANE" "^bootcon: pid $BG \\(fdprobe\\) exited"
}

@test "^C kills a handed cat, not the server: the window says it exited and serves again" {
	start_server
	bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- cat
	wait_until "[ \"\$(pane_fmt '$PANE' '#{pane_current_command}')\" = cat ]"
	tx send-keys -t "$PANE" C-c
	reap "$BG"
	[ "$ST" -eq 130 ]
	wait_pane "$PANE" "bootcon: pid $BG \\(cat\\) exited"
	alive "$SPID"
	run bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	[ "$status" -eq 0 ]
	probe_window_stdio "$T/probe" "$PTY"
}

@test "with -C the handed program has no controlling terminal and ^C reaches no one" {
	start_server
	bg /dev/null "$T/out" "$T/err" bootcon-exec -C -s "$SOCK" -- sh -c \
		"fdprobe -o '$T/probe' && exec fdprobe -w"
	wait_pane "$PANE" '^fdprobe ready'
	probe_is "$T/probe" ctty no
	probe_is "$T/probe" tcgetpgrp none
	probe_window_stdio "$T/probe" "$PTY"
	tx send-keys -t "$PANE" C-c C-\\ C-z
	tx send-keys -t "$PANE" 'after' Enter
	wait_pane "$PANE" '^got: after$'
	alive "$BG"
	alive "$SPID"
	tx send-keys -t "$PANE" C-d
	reap "$BG"
	[ "$ST" -eq 0 ]
}

@test "the window outlives the handed process, keeps its last output and serves the next client" {
	start_server
	run bootcon-exec -s "$SOCK" -- sh -c 'echo last-words; exit 3'
	[ "$status" -eq 3 ]
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(sh\) exited'
	pane "$PANE" | grep -q '^last-words'
	run bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	[ "$status" -eq 0 ]
	probe_window_stdio "$T/probe" "$PTY"
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(fdprobe\) exited'
	pane "$PANE" | grep -q '^last-words'
	[ "$(pane "$PANE" | grep -c '^bootcon: waiting on')" -eq 3 ]
}

@test "the terminal settings are restored after the handed process exits" {
	start_server
	before=$(stty -g <"$PTY")
	run bootcon-exec -s "$SOCK" -- sh -c 'stty -echo -icanon raw; exit 0'
	[ "$status" -eq 0 ]
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(sh\) exited'
	[ "$(stty -g <"$PTY")" = "$before" ]
}

@test "with -1 the server exits after the first hand-off, and nothing listens any more" {
	start_server -1
	run bootcon-exec -s "$SOCK" -- true
	[ "$status" -eq 0 ]
	wait_until "! alive $SPID"
	wait_until "pane_dead '$PANE'"
	run -111 bootcon-exec -s "$SOCK" -t 0.2 -- true
	# Its exit status (tmux does not always report it): 0.
	SOCK=$(bc_sock 1)
	pty_server -1
	run bootcon-exec -s "$SOCK" -- true
	[ "$status" -eq 0 ]
	reap "$PRPID"
	[ "$ST" -eq 0 ]
	grep -q "^bootcon: pid [0-9]* (true) exited" "$T/pty.out"
}

@test "a second client while the window is busy is refused as busy (exit 1) and never runs PROG" {
	start_server
	bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- fdprobe -w
	wait_pane "$PANE" '^fdprobe ready'
	run -1 --separate-stderr bootcon-exec -s "$SOCK" -- touch "$T/marker"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" == "bootcon-exec: "*"$SOCK"*busy* ]]
	[ ! -e "$T/marker" ]
	# With -f it runs PROG on its own stdio instead.
	run -0 --separate-stderr bootcon-exec -f -s "$SOCK" -- fdprobe -o "$T/probe"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" == "bootcon-exec: warning: "* ]]
	probe_is "$T/probe" openfds "0 1 2"
	[ "$(probe "$T/probe" 'fd 0')" != "$PTY" ]
	alive "$BG"
	tx send-keys -t "$PANE" C-d
	reap "$BG"
	[ "$ST" -eq 0 ]
}

@test "the server answers a query for its state: waiting, busy with the pid and name that took it, waiting again" {
	start_server
	run -0 bootcon-server -Q -s "$SOCK"
	[ "$output" = waiting ]
	bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- fdprobe -w
	wait_pane "$PANE" '^fdprobe ready'
	run -0 bootcon-server -Q -s "$SOCK"
	[ "$output" = "busy $BG fdprobe" ]
	tx send-keys -t "$PANE" C-d
	reap "$BG"
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(fdprobe\) exited'
	run -0 bootcon-server -Q -s "$SOCK"
	[ "$output" = waiting ]
	# A query is no hand-off: the window says nothing of it.
	[ "$(pane "$PANE" | grep -c '^bootcon: ')" -eq 3 ]
}

@test "a state query from a uid the server does not serve gets nothing (exit 1); with no server, exit 111" {
	need_root
	start_server
	run -1 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		bootcon-server -Q -s "$SOCK"
	[ -z "$output" ]
	[[ "$stderr" == *"did not answer"* ]]
	run -111 --separate-stderr bootcon-server -Q -s "$SOCK-none"
	[[ "$stderr" == *"unable to connect to $SOCK-none"* ]]
	run -100 bootcon-server -Q -1 -s "$SOCK"
}

@test "while busy the server holds a pidfd for the handed process" {
	start_server
	run grep -h '^Pid:' /proc/"$SPID"/fdinfo/*
	[ "$status" -ne 0 ]
	bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- fdprobe -w
	wait_pane "$PANE" '^fdprobe ready'
	wait_until "grep -hq '^Pid:[[:space:]]*$BG\$' /proc/$SPID/fdinfo/*"
	tx send-keys -t "$PANE" C-d
	reap "$BG"
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(fdprobe\) exited'
	run grep -h '^Pid:' /proc/"$SPID"/fdinfo/*
	[ "$status" -ne 0 ]
}

@test "without pidfds (kernels before 5.3) the server checks the handed pid each second, refuses others meanwhile and serves again" {
	SERVER_WRAP="setstate -P" start_server
	bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- fdprobe -w
	wait_pane "$PANE" '^fdprobe ready'
	run grep -h '^Pid:' /proc/"$SPID"/fdinfo/*
	[ "$status" -ne 0 ]
	run -1 --separate-stderr bootcon-exec -s "$SOCK" -- touch "$T/marker"
	[[ "${stderr_lines[0]}" == "bootcon-exec: "*busy* ]]
	[ ! -e "$T/marker" ]
	end_and_serve_again "$BG"
}

@test "output left stopped (^S) by the handed process never blocks the server" {
	start_server
	bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- sh -c 'echo ready; read -r x'
	wait_pane "$PANE" '^ready'
	tx send-keys -t "$PANE" C-s
	tx send-keys -t "$PANE" 'go' Enter
	reap "$BG"
	# The server restarts output and says so; then SIGTERM still stops it.
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(sh\) exited'
	kill -TERM "$SPID"
	wait_until "! alive $SPID"
}

@test "a client started before the server retries until the server listens" {
	bg /dev/null "$T/out" "$T/err" bootcon-exec -t 10 -s "$SOCK" -- fdprobe -o "$T/probe"
	start_server
	reap "$BG"
	[ "$ST" -eq 0 ]
	probe_window_stdio "$T/probe" "$PTY"
}

@test "a process-group leader client forks once; the child takes the window and the parent returns its status" {
	start_server
	run bash -c 'set -m; bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe" 3>&- &
		echo "$!" >"$T/pid"; wait "$!"'
	[ "$status" -eq 0 ]
	parent=$(cat "$T/pid")
	probe_is "$T/probe" ppid "$parent"
	[ "$(probe "$T/probe" pid)" != "$parent" ]
	probe_is "$T/probe" ctty yes
	probe_window_stdio "$T/probe" "$PTY"
	run bash -c 'set -m; bootcon-exec -s "$SOCK" -- sh -c "exit 7" 3>&- & wait "$!"'
	[ "$status" -eq 7 ]
}

@test "the server exits when its window is killed while waiting" {
	start_server
	tx kill-window -t "$PANE"
	wait_until "! alive $SPID"
	run -111 bootcon-exec -s "$SOCK" -t 0.2 -- true
}

@test "the server exits when its window is killed while busy, and the handed process gets the hangup" {
	start_server
	bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- fdprobe -w
	wait_pane "$PANE" '^fdprobe ready'
	tx kill-window -t "$PANE"
	wait_until "! alive $SPID"
	wait_until "! alive $BG"
	run -111 bootcon-exec -s "$SOCK" -t 0.2 -- true
}

@test "SIGTERM or SIGHUP stops the server with exit 0, waiting or busy" {
	for sig in TERM HUP; do
		pty_server
		kill -"$sig" "$SPID"
		reap "$PRPID"
		[ "$ST" -eq 0 ]
		pty_server
		bg /dev/null "$T/out" "$T/err" bootcon-exec -s "$SOCK" -- fdprobe -w
		wait_file "$T/pty.out" '^fdprobe ready'
		kill -"$sig" "$SPID"
		reap "$PRPID"
		[ "$ST" -eq 0 ]
	done
}

@test "the abstract name is bound with its exact length (no trailing NULs)" {
	start_server
	# /proc/net/unix shows NULs as '@': the name must end right there.
	grep -Eq " @${SOCK#@}\$" /proc/net/unix
	run -0 fakeclient -s "$SOCK" leave
}

@test "-q silences the window's lines; -v adds one per connection" {
	start_server -q
	run bootcon-exec -s "$SOCK" -- sh -c 'echo quiet-done'
	[ "$status" -eq 0 ]
	wait_pane "$PANE" '^quiet-done'
	run bootcon-exec -s "$SOCK" -t 5 -- sh -c 'echo quiet-2'
	wait_pane "$PANE" '^quiet-2'
	pane_lacks "$PANE" '^bootcon:'
	SOCK=$(bc_sock v)
	start_server -v
	run bootcon-exec -s "$SOCK" -- true
	[ "$status" -eq 0 ]
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(true\) exited'
	[ "$(pane "$PANE" | grep -c '^bootcon')" -gt 3 ]
}
