#!/usr/bin/env bats
# The screen snippet: C-a J pressed in a real attached screen client.  The
# user's screen session (private SCREENDIR, HOME with a ~/.screenrc that
# sources the snippet) is attached from a pane of the test's tmux server
# (tx); keys are typed into that pane.

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

# The snippet as `make` generates it, for the screen helper in DIR.
snippet() {
	sed "s|@BOOTCON_SCREEN_DIR@|${1:-$ROOT/screen}|g" \
	    "$ROOT/screen/bootcon.screenrc.in" >"$T/bootcon.screenrc"
	printf 'source %s\n' "$T/bootcon.screenrc" >"$HOME/.screenrc"
}

# Start the user's session (named user) and attach a client to it in a
# tmux pane (CLIENT); ID is the session's pid.name.
user_screen() {
	env -u TMUX -u TMUX_PANE screen -dmS user 3>&-
	wait_until "[ -n \"\$(screen_id user)\" ]"
	ID=$(screen_id user)
	# TERM=xterm: screen shows messages on the last line (with TERM=screen
	# it sends them to the outer terminal's status line, the pane title).
	CLIENT=$(tmux_window outer env -u TMUX -u TMUX_PANE TERM=xterm screen -x user)
	wait_until "screen -ls | grep -q '$ID.*Attached'"
}

# Press C-a and KEY in the client.
press() {
	tx send-keys -t "$CLIENT" C-a
	tx send-keys -t "$CLIENT" "$1"
}

@test "the snippet binds J and says how to change the key" {
	grep -q '^bind J screen -t bootcon "@BOOTCON_SCREEN_DIR@/bootcon-screen.sh"$' \
	    "$ROOT/screen/bootcon.screenrc.in"
	grep -q '^# To use another key, change J' "$ROOT/screen/bootcon.screenrc.in"
}

@test "C-a J in an attached client opens a console titled with its socket; a hand-off works" {
	local name pid
	snippet
	user_screen
	press J
	wait_until "[ \"\$(screen_windows '$ID' | wc -l)\" -eq 2 ]"
	name=@bootcon-${ID%%.*}-1
	wait_until "[ \"\$(screen_windows '$ID' | sed -n 2p)\" = '1 $name' ]"
	wait_until "listening '$name'"
	# The client shows the new window.
	wait_pane "$CLIENT" "bootcon: waiting on $name"
	run list_line "$name"
	[ "$output" = "$name	waiting	screen	$ID	1" ]

	bg_exec "$name" "$T/prog" "$T/pid" "$name"
	wait_pane "$CLIENT" "prog ready on $name"
	tx send-keys -t "$CLIENT" -l 'typed through screen'
	tx send-keys -t "$CLIENT" Enter
	wait_pane "$CLIENT" 'prog got: typed through screen'
	wait_screen "$ID" 1 'prog got: typed through screen'
	wait_until "[ -s '$T/pid' ]"
	pid=$(cat "$T/pid")
	run list_line "$name"
	[ "$output" = "$name	busy pid $pid	screen	$ID	1" ]

	run bootcon stop -s "$name"
	[ "$status" -eq 0 ]
	run ! listening "$name"
	wait_until "[ \"\$(screen_windows '$ID' | wc -l)\" -eq 1 ]"
}

@test "two presses give two consoles that are kept apart" {
	local a b
	snippet
	user_screen
	press J
	a=@bootcon-${ID%%.*}-1
	wait_until "listening '$a'"
	press J
	b=@bootcon-${ID%%.*}-2
	wait_until "listening '$b'"
	run bootcon exec -s "$a" -- sh -c 'echo "only in a"'
	[ "$status" -eq 0 ]
	wait_screen "$ID" 1 'only in a'
	screen_text "$ID" 2 >"$T/w2"
	run ! grep -q 'only in a' "$T/w2"
	[ "$(list_line "$b" | cut -f 2)" = waiting ]
}

@test "C-a J without findable helpers says so; Enter closes the window" {
	local p=$T/copy
	mkdir -p "$p" "$T/shell"
	cp "$ROOT/screen/bootcon-screen.sh" "$p/"
	cp "$ROOT/shell/bootcon-find.sh" "$T/shell/"
	snippet "$p"
	# Neither beside the helper nor in PATH.
	PATH=${PATH//"$ROOT/c:"/}
	run ! command -v bootcon-server
	user_screen
	press J
	wait_pane "$CLIENT" 'bootcon: bootcon-server not found'
	wait_pane "$CLIENT" 'press Enter to close this window'
	tx send-keys -t "$CLIENT" Enter
	wait_until "[ \"\$(screen_windows '$ID' | wc -l)\" -eq 1 ]" 2
}

@test "C-a J when the console's name is in use: the message line says so" {
	local name
	snippet
	user_screen
	name=@bootcon-${ID%%.*}-1
	# Another server holds the name the new window (number 1) would use.
	tmux_window holder bootcon-server -s "$name" >/dev/null
	wait_until "listening '$name'"
	press J
	wait_pane "$CLIENT" "bootcon: socket name in use: $name"
	wait_until "[ \"\$(screen_windows '$ID' | wc -l)\" -eq 1 ]"
}

@test "the helper outside screen refuses with exit 100" {
	run -100 --separate-stderr env -u STY -u WINDOW "$ROOT/screen/bootcon-screen.sh"
	[ "$stderr" = "bootcon: not run in a screen window (STY and WINDOW unset)" ]
}
