#!/usr/bin/env bats
# bootcon attach from a terminal (a pane of the second private tmux server,
# tx2): the console's tmux or screen session, one console by its socket
# (-s), read-only (-r), a console whose tmux socket is elsewhere (the
# boot's, in /run/bootcon), the boot console's restricted keys, and never
# a console of another uid.

# shellcheck disable=SC2154 # $stderr and $stderr_lines come from bats run
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

@test "attach without a session fails with one line" {
	run -1 --separate-stderr bootcon attach -S nosuch
	[ "$stderr" = "bootcon: no tmux or screen session named nosuch" ]
}

@test "bootcon attach with no console says so, and -s names the missing socket" {
	run -1 bootcon attach -s @bct-none
	[ "$output" = "bootcon: no console on @bct-none" ]
	run -1 bootcon attach -S nosuch
	[ "$output" = "bootcon: no tmux or screen session named nosuch" ]
	run -100 bootcon attach -x
	[[ ${lines[0]} == "bootcon: unknown argument: -x" ]]
}

@test "attach joins the console's tmux session from a terminal" {
	local sock outer
	sock=$(bc_sock)
	bootcon start -s "$sock" >/dev/null
	# A terminal for the attaching client: a window of another private server.
	outer=$(TX=tx2 tmux_window o "sh '$BOOTCON' attach")
	wait_until "[ \"\$(tx list-clients -F x | wc -l)\" -eq 1 ]"
	TX=tx2 wait_pane "$outer" "waiting on $sock"
}

@test "attach joins the console's screen session from a terminal" {
	local sock outer
	sock=$(bc_sock)
	bootcon start --screen -s "$sock" >/dev/null
	outer=$(TX=tx2 tmux_window o "TERM=xterm sh '$BOOTCON' attach --screen")
	wait_until "screen -ls | grep -q 'bootcon.*Attached'"
	TX=tx2 wait_pane "$outer" "waiting on $sock"
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
	# prefix r redraws (for a conserver client that came later).
	run -0 tx list-keys -T prefix r
	[[ $output == *refresh-client* ]]
	# One window (linked in attach -s's own session too).
	[ "$(tx list-windows -a -F '#{window_id}' | sort -u | wc -l)" -eq 1 ]
	tx2 send-keys -t "$p" C-b d
	wait_until "[ -z \"\$(tx list-clients)\" ]"
}

@test "bootcon attach and mirror as root never use a console of another uid, even one named like the boot's" {
	need_root "another uid"
	other_uid_setup
	local sq=$T/pub/sq
	mkdir -m 700 "$sq" && chown 65534:65534 "$sq"
	# nobody starts "@init_console" in a tmux session named bootcon.
	# shellcheck disable=SC2153 # SOCK is bc_setup's
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

@test "bootcon attach -s works with no TERM or a dumb one, and a client without a size leaves the window's" {
	two_consoles
	local size
	size=$(tx display-message -p -t "=bootcon:0" '#{window_width}x#{window_height}')
	# As conserver's exec runs it: TERM unset, a terminal of 0x0.
	p=$(TX=tx2 tmux_window o env -u TMUX -u TERM sh -c "stty rows 0 cols 0; exec sh '$BOOTCON' attach -s '$S1'")
	TX=tx2 wait_pane "$p" 'prog ready on one'
	q=$(TX=tx2 tmux_window o env -u TMUX TERM=dumb sh -c "stty rows 0 cols 0; exec sh '$BOOTCON' attach -s '$S1'")
	TX=tx2 wait_pane "$q" 'prog ready on one'
	run tx2 capture-pane -p -t "$q"
	[[ $output != *"does not support"* ]]
	[ "$(tx display-message -p -t "=bootcon:0" '#{window_width}x#{window_height}')" = "$size" ]
	tx2 send-keys -t "$q" typed-dumb Enter
	wait_pane "=bootcon:0" 'prog got: typed-dumb'
}

@test "bootcon attach -s ends when its console goes away, never showing another; -w reattaches when it comes back" {
	two_consoles
	p=$(TX=tx2 tmux_window o env -u TMUX sh -c "sh '$BOOTCON' attach -s '$S1'; echo attach-ended \$?; exec cat")
	w=$(TX=tx2 tmux_window o env -u TMUX sh -c "sh '$BOOTCON' attach -w -s '$S1'; echo attach-w-ended \$?; exec cat")
	TX=tx2 wait_pane "$p" 'prog ready on one'
	TX=tx2 wait_pane "$w" 'prog ready on one'
	run -0 bootcon stop -s "$S1"
	TX=tx2 wait_pane "$p" 'attach-ended 0'
	TX=tx2 wait_pane "$w" "waiting for a console on $S1"
	TX=tx2 pane_lacks "$p" 'prog ready on two'
	TX=tx2 pane_lacks "$w" 'prog ready on two'
	# Back: the waiting client attaches to it within a second or so.
	run -0 bootcon start -s "$S1"
	bg_exec "$S1" "$T/prog" "$T/pid3" again
	TX=tx2 wait_pane "$w" 'prog ready on again' 5
	tx2 send-keys -t "$w" typed-again Enter
	wait_output "tx capture-pane -p -t '=bootcon:{end}'" 'prog got: typed-again'
	# Detaching ends it, and leaves no session of its own behind.
	tx2 send-keys -t "$w" C-b d
	TX=tx2 wait_pane "$w" 'attach-w-ended 0'
	run -0 tx list-sessions -F '#{session_name}'
	[ "$output" = bootcon ]
}

@test "bootcon attach -t SECONDS bounds the wait for a console" {
	run -111 --separate-stderr bootcon attach -t 0.5 -s @bct-none
	[ "$stderr" = "bootcon: waiting for a console on @bct-none"$'\n'"bootcon: no console on @bct-none within 0.5s" ]
	run -100 --separate-stderr bootcon attach -t x -s @bct-none
	[[ $stderr == "bootcon: bad BOOTCON_TIMEOUT (seconds, more than 0): x"$'\n'usage:* ]]
	run -100 --separate-stderr bootcon attach -w -S bootcon
	[[ $stderr == "bootcon: -w waits for a console by its socket (-s), not a session"$'\n'usage:* ]]
}

@test "bootcon list names a console's own session while attach -s holds it in one of its own" {
	local sock p
	sock=$(bc_sock 1)
	# zz sorts after bootcon-attach-PID.
	run -0 bootcon start -S zz -s "$sock"
	p=$(TX=tx2 tmux_window o env -u TMUX sh "$BOOTCON" attach -s "$sock")
	TX=tx2 wait_pane "$p" "waiting on $sock"
	wait_output "tx list-sessions -F '#{session_name}'" '^bootcon-attach-[0-9]+$'
	run -0 list_line "$sock"
	[[ $output == "$sock"$'\t'waiting$'\t'tmux$'\t'zz$'\t'0 ]]
}
