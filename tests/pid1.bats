#!/usr/bin/env bats
# bootcon-exec as PID 1 (of a PID namespace, as root): it takes the window
# without making it its controlling terminal, and whatever fails (no
# server, closed stdio, a bad hand-off, a usage error, a PROG or inits that
# cannot be executed) it does not exit: it runs PROG, a fallback init or
# /bin/sh on its own stdio, or waits forever.  Each test skips when not root.

# shellcheck disable=SC2154 # $stderr and $stderr_lines come from bats run
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

@test "PID 1 in a PID namespace takes the window without a controlling terminal; typed input reaches it, ^C does not" {
	need_root "a PID namespace"
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
	need_root "a PID namespace"
	start_server
	run -0 "$T/pid1" bootcon-exec -c -s "$SOCK" -- fdprobe -o "$T/probe"
	probe_is "$T/probe" pid 1
	probe_window_stdio "$T/probe" "$PTY"
	probe_is "$T/probe" ctty no
}

@test "PID 1 with no server runs PROG on its own stdio and does not fail" {
	need_root "a PID namespace"
	run -0 --separate-stderr "$T/pid1" bootcon-exec -s "$SOCK" -t 0.3 -- fdprobe -o "$T/probe" </dev/null
	probe_is "$T/probe" pid 1
	probe_is "$T/probe" openfds "0 1 2"
	probe_is "$T/probe" "fd 0" /dev/null
	probe_is "$T/probe" sigign none
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" == "bootcon-exec: warning: "*"$SOCK"* ]]
}

@test "PID 1 with fds 0-2 closed and no server still runs PROG with fds 0, 1, 2 open" {
	need_root "a PID namespace"
	"$T/pid1" bootcon-exec -s "$SOCK" -t 0.3 -- fdprobe -o "$T/probe" 0<&- 1>&- 2>&- 3>&- &
	track $!
	reap $!
	[ "$ST" -eq 0 ]
	probe_is "$T/probe" pid 1
	probe_is "$T/probe" openfds "0 1 2"
}

@test "PID 1 with fds 0-2 closed takes the window: PROG sees exactly its terminal on 0, 1, 2" {
	need_root "a PID namespace"
	start_server
	"$T/pid1" bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe" 0<&- 1>&- 2>&- 3>&- &
	track $!
	reap $!
	[ "$ST" -eq 0 ]
	probe_is "$T/probe" pid 1
	probe_window_stdio "$T/probe" "$PTY"
}

@test "PID 1 given a bad hand-off (wrong tag) runs PROG on its own stdio, received fds closed" {
	need_root "a PID namespace"
	fake_server badtag
	run -0 "$T/pid1" bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe" </dev/null
	probe_is "$T/probe" pid 1
	probe_is "$T/probe" openfds "0 1 2"
	probe_is "$T/probe" "fd 0" /dev/null
	wait_file "$T/fs.log" '^released '
}

@test "PID 1 refused a hand-off, with nothing left to run, holds none of the fds it was sent" {
	need_root "a PID namespace"
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
	need_root "a PID namespace"
	for bad in --bogus "-t bad" -h; do
		rm -f "$T/probe"
		# shellcheck disable=SC2086 # one or two words
		run --separate-stderr "$T/pid1" bootcon-exec $bad -t 0.2 -s "$SOCK" -- fdprobe -o "$T/probe" </dev/null
		[ "$status" -eq 0 ]
		probe_is "$T/probe" pid 1
	done
}

@test "PID 1 whose PROG cannot be executed runs the first fallback init" {
	need_root "a PID namespace"
	[ -e /sbin/init ] || [ -e /etc/init ] || [ -e /bin/init ] || skip "no /sbin/init, /etc/init or /bin/init here"
	run -0 --separate-stderr "$T/pid1" bootcon-exec -s "$SOCK" -t 0.2 -- "$T/nonexistent" </dev/null
	[ "$(cat "$T/init.out")" = "fake init pid 1" ]
	[[ "$stderr" == *"$T/nonexistent"* ]]
}

@test "PID 1 whose PROG and inits cannot be executed runs /bin/sh on its stdio" {
	need_root "a PID namespace"
	printf '#!/bin/sh\nexit 0\n' >"$T/noexec"
	chmod 644 "$T/noexec"
	echo "echo \"sh pid \$\$\" >'$T/sh.out'" >"$T/commands"
	PID1_INIT=$T/noexec run -0 "$T/pid1" bootcon-exec -s "$SOCK" -t 0.2 -- "$T/noexec" <"$T/commands"
	[ "$(cat "$T/sh.out")" = "sh pid 1" ]
}

@test "PID 1 with nothing at all to run waits forever instead of exiting" {
	need_root "a PID namespace"
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
