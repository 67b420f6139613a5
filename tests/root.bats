#!/usr/bin/env bats
# What needs root: other uids (setpriv), PID 1 in a PID namespace, mount and
# network namespaces.  Each test skips with a reason when not root.

# $stderr and $stderr_lines come from "run --separate-stderr"; each test runs
# in a subshell of its own, so changing a global inside one is intended.
# shellcheck disable=SC2030,SC2031,SC2154

load test_helper


# Write a script FILE running the shell commands CMDS.
script() {
	printf '#!/bin/sh\n%s\n' "$2" >"$1"
	chmod 755 "$1"
}

setup_file() {
	export BATS_TEST_TIMEOUT=120
}

setup() {
	bc_setup
	[ "$(id -u)" -eq 0 ] || return 0
	other_uid_setup
	# PID 1 tests run through $T/pid1: a fallback must never boot the
	# machine's real init (it would start the host's services).
	script "$T/fakeinit" "echo \"fake init pid \$\$\" >>'$T/init.out'"
	export PID1_INIT="$T/fakeinit" PID1_SH=
	# shellcheck disable=SC2016 # expanded by the inner shell
	script "$T/pid1" 'exec unshare --pid --fork --mount-proc --kill-child sh -c '"'"'
	for init in /sbin/init /etc/init /bin/init; do
		[ ! -e "$init" ] || mount --bind "$PID1_INIT" "$init" || exit 99
	done
	[ -z "$PID1_SH" ] || mount --bind "$PID1_INIT" /bin/sh || exit 99
	exec "$@"'"'"' sh "$@"'
}

teardown() {
	bc_teardown
}

@test "a client of another uid is refused: it exits 1, the window says so, the server keeps serving" {
	need_root
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
	need_root
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
	need_root
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
	need_root
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
	need_root
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
	need_root
	SERVER_WRAP=$NOBODY start_server
	run -0 nobody bootcon-exec -s "$SOCK" -- fdprobe -o "$T/pub/probe"
	probe_window_stdio "$T/pub/probe" "$PTY"
	probe_is "$T/pub/probe" ctty yes
	probe_is "$T/pub/probe" foreground yes
}

@test "a server that is not the session leader: others go on without job control, root takes the terminal" {
	need_root
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

@test "PID 1 in a PID namespace takes the window without a controlling terminal; typed input reaches it, ^C does not" {
	need_root
	start_server
	bg /dev/null "$T/out" "$T/err" "$T/pid1" bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe" -w
	wait_pane "$PANE" '^fdprobe ready'
	probe_is "$T/probe" pid 1
	probe_window_stdio "$T/probe" "$PTY"
	probe_is "$T/probe" ctty no
	probe_is "$T/probe" tcgetpgrp none
	tx send-keys -t "$PANE" C-c C-\\ C-z
	tx send-keys -t "$PANE" 'as init' Enter
	wait_pane "$PANE" '^got: as init$'
	alive "$SPID"
	tx send-keys -t "$PANE" C-d
	reap "$BG"
	[ "$ST" -eq 0 ]
	wait_pane "$PANE" '^bootcon: pid [0-9]+ \(fdprobe\) exited'
}

@test "PID 1 never takes the window as its controlling terminal, even with -c" {
	need_root
	start_server
	run -0 "$T/pid1" bootcon-exec -c -s "$SOCK" -- fdprobe -o "$T/probe"
	probe_is "$T/probe" pid 1
	probe_window_stdio "$T/probe" "$PTY"
	probe_is "$T/probe" ctty no
}

@test "PID 1 with no server runs PROG on its own stdio and does not fail" {
	need_root
	run -0 --separate-stderr "$T/pid1" bootcon-exec -s "$SOCK" -t 0.3 -- fdprobe -o "$T/probe" </dev/null
	probe_is "$T/probe" pid 1
	probe_is "$T/probe" openfds "0 1 2"
	probe_is "$T/probe" "fd 0" /dev/null
	probe_is "$T/probe" sigign none
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" == "bootcon-exec: warning: "*"$SOCK"* ]]
}

@test "PID 1 with fds 0-2 closed and no server still runs PROG with fds 0, 1, 2 open" {
	need_root
	"$T/pid1" bootcon-exec -s "$SOCK" -t 0.3 -- fdprobe -o "$T/probe" 0<&- 1>&- 2>&- 3>&- &
	track $!
	reap $!
	[ "$ST" -eq 0 ]
	probe_is "$T/probe" pid 1
	probe_is "$T/probe" openfds "0 1 2"
}

@test "PID 1 with fds 0-2 closed takes the window: PROG sees exactly its terminal on 0, 1, 2" {
	need_root
	start_server
	"$T/pid1" bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe" 0<&- 1>&- 2>&- 3>&- &
	track $!
	reap $!
	[ "$ST" -eq 0 ]
	probe_is "$T/probe" pid 1
	probe_window_stdio "$T/probe" "$PTY"
}

@test "PID 1 given a bad hand-off (wrong tag) runs PROG on its own stdio, received fds closed" {
	need_root
	fake_server badtag
	run -0 "$T/pid1" bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe" </dev/null
	probe_is "$T/probe" pid 1
	probe_is "$T/probe" openfds "0 1 2"
	probe_is "$T/probe" "fd 0" /dev/null
	wait_file "$T/fs.log" '^released '
}

@test "PID 1 refused a hand-off, with nothing left to run, holds none of the fds it was sent" {
	need_root
	# PROG cannot see them (close-on-exec): only a PID 1 that never execs
	# anything could keep them, for ever.
	fake_server badtag
	printf '#!/bin/sh\nexit 0\n' >"$T/noexec"
	chmod 644 "$T/noexec"
	PID1_INIT=$T/noexec PID1_SH=1 bg /dev/null "$T/out" "$T/err" \
		"$T/pid1" bootcon-exec -t 10 -s "$SOCK" -- "$T/noexec"
	wait_file "$T/err" 'nothing left to run; waiting forever$'
	grep -q "^bootcon-exec: warning: .*unexpected tag byte" "$T/err"
	wait_until "[ -n \"\$(cat /proc/$BG/task/$BG/children)\" ]"
	init=$(tr -d ' ' <"/proc/$BG/task/$BG/children")
	alive "$init"
	# Process 1 holds none of the fake server's pty slaves (it closed
	# them before its warning)...
	pty=$(sed -n 's/^opened //p' "$T/fs.log")
	[[ $pty == /dev/pts/* ]]
	fds=$(for f in "/proc/$init/fd/"*; do echo "${f##*/} $(readlink "$f")"; done)
	echo "the fake server's pty: $pty; process 1's fds:"$'\n'"$fds"
	[[ $'\n'$fds$'\n' != *" $pty"$'\n'* ]]
	# ...and every copy of them is closed.
	wait_file "$T/fs.log" '^released '
	alive "$init"
	kill -KILL "$init"
	reap "$BG"
}

@test "PID 1 with a usage error or -h does not exit: it warns and still runs PROG" {
	need_root
	for bad in --bogus "-t bad" -h; do
		rm -f "$T/probe"
		# shellcheck disable=SC2086 # one or two words
		run --separate-stderr "$T/pid1" bootcon-exec $bad -t 0.2 -s "$SOCK" -- fdprobe -o "$T/probe" </dev/null
		[ "$status" -eq 0 ]
		probe_is "$T/probe" pid 1
	done
}

@test "PID 1 whose PROG cannot be executed runs the first fallback init" {
	need_root
	[ -e /sbin/init ] || [ -e /etc/init ] || [ -e /bin/init ] || skip "no /sbin/init, /etc/init or /bin/init here"
	run -0 --separate-stderr "$T/pid1" bootcon-exec -s "$SOCK" -t 0.2 -- "$T/nonexistent" </dev/null
	[ "$(cat "$T/init.out")" = "fake init pid 1" ]
	[[ "$stderr" == *"$T/nonexistent"* ]]
}

@test "PID 1 whose PROG and inits cannot be executed runs /bin/sh on its stdio" {
	need_root
	printf '#!/bin/sh\nexit 0\n' >"$T/noexec"
	chmod 644 "$T/noexec"
	echo "echo \"sh pid \$\$\" >'$T/sh.out'" >"$T/commands"
	PID1_INIT=$T/noexec run -0 "$T/pid1" bootcon-exec -s "$SOCK" -t 0.2 -- "$T/noexec" <"$T/commands"
	[ "$(cat "$T/sh.out")" = "sh pid 1" ]
}

@test "PID 1 with nothing at all to run waits forever instead of exiting" {
	need_root
	printf '#!/bin/sh\nexit 0\n' >"$T/noexec"
	chmod 644 "$T/noexec"
	PID1_INIT=$T/noexec PID1_SH=1 bg /dev/null "$T/out" "$T/err" \
		"$T/pid1" bootcon-exec -s "$SOCK" -t 0.2 -- "$T/noexec"
	wait_file "$T/err" '/bin/sh'
	# PID 1 of the namespace is unshare's only child.
	wait_until "[ -n \"\$(cat /proc/$BG/task/$BG/children)\" ]"
	init=$(tr -d ' ' <"/proc/$BG/task/$BG/children")
	wait_until "grep -q '^State:[[:space:]]*S' /proc/$init/status"
	alive "$init"
	alive "$BG"
	kill -KILL "$init"
	reap "$BG"
}

@test "--console makes the window's terminal /dev/console (in a private mount namespace)" {
	need_root
	start_server
	host=$(stat -Lc '%t:%T' /dev/console)
	# shellcheck disable=SC2016 # expanded by the inner shell
	run -0 unshare --mount --propagation private bootcon-exec --console -s "$SOCK" -- \
		sh -c 'stat -Lc "%t:%T" /dev/console /proc/self/fd/0 >"$1"' sh "$T/console"
	[ "$(sed -n 1p "$T/console")" = "$(sed -n 2p "$T/console")" ]
	[ "$(stat -Lc '%t:%T' /dev/console)" = "$host" ]
}

@test "--console: a window killed with its server gives /dev/console back to the kernel's console" {
	need_root
	start_server
	host=$(stat -Lc '%t:%T' /dev/console)
	window_dev=$(stat -Lc '%t:%T' "$PTY")
	# -C: the program gets no SIGHUP and keeps the mount namespace alive.
	bg /dev/null "$T/out" "$T/err" unshare --mount --propagation private \
		bootcon-exec --console -C -s "$SOCK" -- sleep 1000
	wait_until "[ \"\$(nsenter -m -t $BG stat -Lc '%t:%T' /dev/console)\" = '$window_dev' ]"
	# SIGKILL: the server cannot clean up; the console watcher must.
	kill -KILL "$SPID"
	wait_until "[ \"\$(nsenter -m -t $BG stat -Lc '%t:%T' /dev/console)\" = '$host' ]"
	[ "$(stat -Lc '%t:%T' /dev/console)" = "$host" ]
	kill "$BG"
}

# The pids of the console watchers (bootcon-console) whose fd 0 is the
# terminal TTY: the watchers of that window only, never another run's.
watchers_on() {
	local d comm dev
	dev=$(stat -Lc '%t:%T' "$1")
	for d in /proc/[0-9]*; do
		read -r comm 2>/dev/null <"$d/comm" || continue
		[ "$comm" = bootcon-console ] || continue
		[ "$(stat -Lc '%t:%T' "$d/fd/0" 2>/dev/null)" != "$dev" ] || echo "${d#/proc/}"
	done
	return 0
}

@test "--console: ^C in the window never reaches the console watcher" {
	need_root
	start_server
	bg /dev/null "$T/out" "$T/err" unshare --mount --propagation private \
		bootcon-exec --console -s "$SOCK" -- sh -i
	# Ours: the one on this window's terminal (another run's may be up).
	# shellcheck disable=SC2016 # expanded by wait_until
	wait_until '[ -n "$(watchers_on "$PTY")" ]'
	watcher=$(watchers_on "$PTY")
	# Exactly one (a single number).
	[[ $watcher =~ ^[0-9]+$ ]]
	track "$watcher"
	tx send-keys -t "$PANE" C-c C-\\ C-z
	tx send-keys -t "$PANE" 'echo typed-after' Enter
	wait_pane "$PANE" '^typed-after'
	alive "$watcher"
	[ "$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$watcher/status")" != "$BG" ]
	tx send-keys -t "$PANE" 'exit' Enter
	reap "$BG"
	kill "$watcher"
}

@test "the default socket is @init_console (checked in a private network namespace)" {
	need_root
	run -111 --separate-stderr timeout 10 unshare --net bootcon-exec -t 0.2 -- true
	[ "${stderr_lines[0]}" = "bootcon-exec: fatal: unable to connect to @init_console: Connection refused" ]
	# The server's output goes to files, never to bats' fds (a server
	# left behind must not hold bats up), the whole check has a deadline,
	# and the teardown kills what it started.
	# shellcheck disable=SC2016 # expanded by the inner shell
	run timeout 20 unshare --net sh -c '
		ptyrun -p "$1/spid" bootcon-server -1 -d 4 4>"$1/ready" \
		    </dev/null >"$1/pty.out" 2>"$1/pty.err" 3>&- &
		echo "$!" >"$1/prpid"
		i=0
		while [ ! -s "$1/ready" ] && [ $((i += 1)) -lt 200 ]; do sleep 0.05; done
		grep -q " @init_console\$" /proc/net/unix &&
		bootcon-exec -t 10 -- fdprobe -o "$1/probe" && wait' sh "$T" 3>&- 4>&-
	for f in prpid spid; do
		[ ! -s "$T/$f" ] || track "$(cat "$T/$f")"
	done
	echo "status $status, output: $output"
	cat "$T/pty.out"
	[ "$status" -eq 0 ]
	grep -q '^bootcon: waiting on @init_console$' "$T/pty.out"
	[[ "$(probe "$T/probe" 'fd 0')" == /dev/pts/* ]]
	probe_is "$T/probe" "fds 0 1 2" same-tty
}

@test "bootcon attach and mirror as root never use a console of another uid, even one named like the boot's" {
	need_root "another uid"
	local sq=$T/pub/sq
	mkdir -m 700 "$sq" && chown 65534:65534 "$sq"
	# nobody starts "@init_console" in a tmux session named bootcon.
	run -0 nobody env HOME="$sq" TMUX_TMPDIR="$sq" BOOTCON_TMUX_SERVER=bootcon \
	    BOOTCON_BIN="$(dirname "$(command -v bootcon-server)")" \
	    sh "$ROOT/shell/bootcon" start -s "$SOCK" </dev/null
	track "$(nobody tmux -S "$sq/tmux-65534/bootcon" display -p '#{pid}')"
	# Listed (it is there), but not ours to type into.
	run -0 sh "$ROOT/shell/bootcon" list
	[[ $output == *"$SOCK"$'\t'waiting$'\t'tmux$'\t'bootcon* ]]
	BOOTCON_TMUX_SERVER=bct-none$$ run -1 sh "$ROOT/shell/bootcon" attach
	[ "$output" = "bootcon: no tmux or screen session named bootcon" ]
	run -1 sh "$ROOT/shell/bootcon" attach -s "$SOCK"
	[ "$output" = "bootcon: no console on $SOCK" ]
	run -1 sh "$ROOT/shell/bootcon" mirror -s "$SOCK" /dev/null
	[ "$output" = "bootcon: no console on $SOCK" ]
}
