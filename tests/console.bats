#!/usr/bin/env bats
# /dev/console and the console devices: bootcon-exec --console binds the
# window's terminal over /dev/console (in a private mount namespace, as
# root) and its watcher gives it back when the window goes; bootcon mirror
# shows a window on other terminals (the kernel's console devices at boot:
# here panes of the second private tmux server, tx2) and types their keys
# into it; the systemd generator points the password agent at the window.

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

@test "--console makes the window's terminal /dev/console (in a private mount namespace)" {
	need_root "a mount namespace"
	start_server
	host=$(stat -Lc '%t:%T' /dev/console)
	# shellcheck disable=SC2016 # expanded by the inner shell
	run -0 unshare --mount --propagation private bootcon-exec --console -s "$SOCK" -- \
		sh -c 'stat -Lc "%t:%T" /dev/console /proc/self/fd/0 >"$1"' sh "$T/console"
	[ "$(sed -n 1p "$T/console")" = "$(sed -n 2p "$T/console")" ]
	[ "$(stat -Lc '%t:%T' /dev/console)" = "$host" ]
}

@test "--console: a window killed with its server gives /dev/console back to the kernel's console" {
	need_root "a mount namespace"
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
	need_root "a mount namespace"
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

# The pid of the bootcon-mirror this build runs (one at a time here).
mirror_pid() {
	local d
	for d in /proc/[0-9]*; do
		if [ "$(readlink "$d/exe" 2>/dev/null)" = "$ROOT/c/bootcon-mirror" ]; then
			echo "${d#/proc/}"
		fi
	done
}

@test "bootcon mirror shows the window on a terminal and types its keys into the window" {
	two_consoles
	dev=$(TX=tx2 tmux_window o sleep 1000)
	tty=$(tx2 display -p -t "$dev" '#{pane_tty}')
	run -0 bootcon mirror -s "$S1" "$tty"
	# Only what the window shows from now on: the program's next line.
	tx2 send-keys -t "$dev" from-the-device Enter
	wait_pane "=bootcon:0" 'prog got: from-the-device'
	TX=tx2 wait_pane "$dev" 'prog got: from-the-device'
	# The other console is not mirrored.
	run tx2 capture-pane -p -t "$dev"
	[[ $output != *"two"* ]]
	# A copy made by tmux: the program's terminal is still the window's.
	pid=$(cat "$T/pid1")
	[ "$(readlink "/proc/$pid/fd/1")" = "$(tx display -p -t =bootcon:0 '#{pane_tty}')" ]
}

@test "bootcon mirror goes on for the window when a device hangs up, and stops with the window" {
	two_consoles
	d1=$(TX=tx2 tmux_window o sleep 1000)
	t1=$(tx2 display -p -t "$d1" '#{pane_tty}')
	d2=$(TX=tx2 tmux_window o sleep 1000)
	t2=$(tx2 display -p -t "$d2" '#{pane_tty}')
	run -0 bootcon mirror -s "$S1" "$t1" "$t2"
	local m=
	# shellcheck disable=SC2016 # evaluated by wait_until
	wait_until 'm=$(mirror_pid) && [ -n "$m" ]'
	tx2 kill-pane -t "$d1"
	tx2 send-keys -t "$d2" after-hangup Enter
	wait_pane "=bootcon:0" 'prog got: after-hangup'
	TX=tx2 wait_pane "$d2" 'prog got: after-hangup'
	# The window closes: the mirror ends, the device is no longer read.
	run -0 bootcon stop -s "$S1"
	wait_until "! kill -0 $m 2>/dev/null"
}

@test "bootcon mirror: bad devices and missing consoles are errors" {
	run -100 bootcon mirror -s @bct-none ttyS0
	[[ ${lines[0]} == "bootcon: not a device in /dev: ttyS0" ]]
	run -1 bootcon mirror -s @bct-none /dev/nonexistent
	[ "$output" = "bootcon: not a terminal device: /dev/nonexistent" ]
	run -1 bootcon mirror -s @bct-none /dev/null
	[ "$output" = "bootcon: no console on @bct-none" ]
	run -100 bootcon-mirror -x
	[[ $output == *"unknown option -x"* ]]
	run -111 bootcon-mirror /dev/null </dev/null
	[[ $output == *"no console device to mirror on"* ]]
}

@test "bootcon-generator points systemd's console password agent at the window only when /dev/console is one" {
	SG=$(bc_sock 1)
	run -0 bootcon start -s "$SG"
	tty=$(tx display -p -t =bootcon:0 '#{pane_tty}')
	BOOTCON_CONSOLE=$tty run -0 sh "$ROOT/shell/systemd/bootcon-generator" "$T/gen"
	f=$T/gen/systemd-ask-password-console.service.d/bootcon.conf
	grep -qx 'ExecStart=systemd-tty-ask-password-agent --watch --console=/dev/console' "$f"
	grep -qx 'ExecStart=' "$f"
	BOOTCON_CONSOLE=/dev/null run -0 sh "$ROOT/shell/systemd/bootcon-generator" "$T/gen2"
	[ ! -e "$T/gen2" ]
}
