#!/usr/bin/env bats
# Finding and showing a console wherever it is: bootcon attach by socket,
# read-only, and on a tmux server whose socket is not where the caller looks
# (the boot's console keeps it in /run/bootcon); bootcon mirror, which shows
# a window on other terminals (the kernel's console devices at boot) and
# types their keys into it; the systemd generator.  The attaching client and
# the mirrored "devices" are panes of a second private tmux server.

load test_helper

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

# Start consoles @..-1 and @..-2 with prog on each; S1 and S2 are their names.
two_consoles() {
	S1=$(bc_sock 1) S2=$(bc_sock 2)
	run -0 bootcon start -s "$S1"
	run -0 bootcon start -s "$S2"
	bg_exec "$S1" "$T/prog" "$T/pid1" one
	wait_pane "=bootcon:0" 'prog ready on one'
	bg_exec "$S2" "$T/prog" "$T/pid2" two
	wait_pane "=bootcon:1" 'prog ready on two'
}

@test "bootcon attach -s SOCKET shows that console's window, not the session's current one" {
	two_consoles
	p=$(TX=tx2 tmux_window o env -u TMUX sh "$BOOTCON" attach -s "$S2")
	TX=tx2 wait_pane "$p" 'prog ready on two'
	run tx2 capture-pane -p -t "$p"
	[[ $output != *"prog ready on one"* ]]
	tx2 send-keys -t "$p" hello-two Enter
	wait_pane "=bootcon:1" 'prog got: hello-two'
}

@test "bootcon attach -r watches without typing" {
	two_consoles
	p=$(TX=tx2 tmux_window o env -u TMUX sh "$BOOTCON" attach -r -s "$S1")
	TX=tx2 wait_pane "$p" 'prog ready on one'
	tx2 send-keys -t "$p" typed-read-only Enter
	# The read-only client drops keys; a read-write one then types.
	q=$(TX=tx2 tmux_window o env -u TMUX sh "$BOOTCON" attach -s "$S1")
	TX=tx2 wait_pane "$q" 'prog ready on one'
	tx2 send-keys -t "$q" typed-read-write Enter
	wait_pane "=bootcon:0" 'prog got: typed-read-write'
	run pane "=bootcon:0"
	[[ $output != *typed-read-only* ]]
}

@test "bootcon attach, list and stop find a console whose tmux socket is elsewhere, as at boot in /run/bootcon" {
	SB=$(bc_sock 1)
	mkdir -m 700 "$T/run"
	TMUX_TMPDIR=$T/run run -0 bootcon start -s "$SB"
	bg_exec "$SB" "$T/prog" "$T/pid1" boot
	# tx looks in $TMUX_TMPDIR: the console's server is not there.
	run ! tx has-session -t =bootcon
	run -0 list_line "$SB"
	[[ $output == "$SB"$'\t'"busy pid "*$'\t'tmux$'\t'bootcon$'\t'0 ]]
	p=$(TX=tx2 tmux_window o env -u TMUX sh "$BOOTCON" attach)
	TX=tx2 wait_pane "$p" 'prog ready on boot'
	tx2 send-keys -t "$p" found-it Enter
	run -0 tmux -S "$T/run/tmux-$(id -u)/$BOOTCON_TMUX_SERVER" capture-pane -p -t =bootcon:0
	wait_until "tmux -S '$T/run/tmux-$(id -u)/$BOOTCON_TMUX_SERVER' capture-pane -p -t =bootcon:0 | grep -q 'prog got: found-it'"
	run -0 bootcon stop -s "$SB"
	wait_until "! listening '$SB'"
}

@test "the boot console's tmux configuration leaves its clients detach and scrollback, no commands" {
	SC=$(bc_sock 1)
	BOOTCON_TMUX_CONF=$ROOT/shell/boot.tmux.conf run -0 bootcon start -s "$SC"
	bg_exec "$SC" "$T/prog" "$T/pid1" boot
	wait_pane "=bootcon:0" 'prog ready on boot'
	p=$(TX=tx2 tmux_window o env -u TMUX sh "$BOOTCON" attach -s "$SC")
	TX=tx2 wait_pane "$p" 'prog ready on boot'
	# prefix c and prefix : would give a root shell and any command.
	tx2 send-keys -t "$p" C-b c
	tx2 send-keys -t "$p" C-b :
	tx2 send-keys -t "$p" typed-after Enter
	wait_pane "=bootcon:0" 'prog got: typed-after'
	[ "$(tx list-windows -a | wc -l)" -eq 1 ]
	tx2 send-keys -t "$p" C-b d
	wait_until "[ -z \"\$(tx list-clients)\" ]"
}

@test "bootcon attach with no console says so, and -s names the missing socket" {
	run -1 bootcon attach -s @bct-none
	[ "$output" = "bootcon: no console on @bct-none" ]
	run -1 bootcon attach -S nosuch
	[ "$output" = "bootcon: no tmux or screen session named nosuch" ]
	run -100 bootcon attach -x
	[[ ${lines[0]} == "bootcon: unknown argument: -x" ]]
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
