#!/usr/bin/env bats
# The console devices: bootcon mirror shows a window on other terminals (the
# kernel's console devices at boot: here panes of the second private tmux
# server, tx2) and types their keys into it; the systemd generator points
# the password agent at the window.

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
