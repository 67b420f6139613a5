#!/usr/bin/env bats
# The tmux plugin: the key pressed in a real attached client.  "The user's
# tmux" is the second private server (tx2) loaded with the plugin; its
# client runs in a pane of the test's own server (tx), and keys are typed
# into that pane, so they go through a real client.

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

# Start the user's server (session main); messages stay 2.5 s (tmux does not
# redraw the panes of a client while it shows one).
user_server() {
	tx2 new-session -d -s main -x 100 -y 30
	tx2 set -g display-time 2500
}

# Load the plugin through the one-line bootcon.tmux at DIR (default: repo).
load_plugin() {
	tx2 run-shell "${1:-$ROOT}/bootcon.tmux"
}

# Attach a client to the user's server in a pane of the test server; CLIENT
# is that pane.
attach_client() {
	CLIENT=$(tmux_window outer env -u TMUX tmux -L "$BC_TX2" attach -t main)
	wait_until "[ \"\$(tx2 list-clients -F x | wc -l)\" -eq 1 ]"
	wait_pane "$CLIENT" '\[main\]'
}

# Press the prefix and KEY in the client.
press() {
	tx send-keys -t "$CLIENT" C-b
	tx send-keys -t "$CLIENT" "$1"
}

@test "bootcon.tmux binds prefix B with a note, and loads twice without harm" {
	user_server
	load_plugin
	run tx2 list-keys -T prefix B
	[ "$status" -eq 0 ]
	[[ $output == *"run-shell -b"*"/tmux/scripts/new-console.sh"* ]]
	run tx2 list-keys -N -T prefix B
	[[ $output == *"bootcon: open a console window"* ]]
	load_plugin
	[ "$(tx2 list-keys -T prefix | grep -c new-console.sh)" -eq 1 ]
}

@test "the key in an attached client opens a console; a hand-off through its socket works" {
	local name spid pid
	user_server
	load_plugin
	attach_client
	press B
	wait_until "[ \"\$(tx2 list-windows -t =main | wc -l)\" -eq 2 ]"
	name=$(tx2 show-options -wv -t '=main:1' @bootcon-socket)
	spid=$(tx2 display-message -p '#{pid}')
	[ "$name" = "@bootcon-$spid-$(tx2 display-message -p -t '=main:1' '#{s/%//:pane_id}')" ]
	# The message on the client that pressed the key.
	wait_pane "$CLIENT" "bootcon: $name is waiting"
	listening "$name"
	# The new window is the current one: its banner shows in the client.
	wait_pane "$CLIENT" "bootcon: waiting on $name"
	[ "$(tx2 display-message -p -t '=main:' '#{window_index}')" = 1 ]
	run list_line "$name"
	[ "$output" = "$name	waiting	tmux	main	1" ]

	bg_exec "$name" "$T/prog" "$T/pid" "$name"
	wait_pane "$CLIENT" "prog ready on $name"
	# Typed through the real client.
	tx send-keys -t "$CLIENT" -l 'through the client'
	tx send-keys -t "$CLIENT" Enter
	wait_pane "$CLIENT" 'prog got: through the client'
	wait_until "[ -s '$T/pid' ]"
	pid=$(cat "$T/pid")
	run list_line "$name"
	[ "$output" = "$name	busy pid $pid	tmux	main	1" ]
	# bootcon stop closes the window.
	run bootcon stop -s "$name"
	[ "$status" -eq 0 ]
	wait_until "[ \"\$(tx2 list-windows -t =main | wc -l)\" -eq 1 ]"
}

@test "two key presses give two consoles with their own names" {
	local a b
	user_server
	load_plugin
	attach_client
	press B
	wait_until "[ -n \"\$(tx2 show-options -wqv -t '=main:1' @bootcon-socket)\" ]"
	a=$(tx2 show-options -wv -t '=main:1' @bootcon-socket)
	wait_pane "$CLIENT" "bootcon: $a is waiting"
	press B
	wait_until "[ -n \"\$(tx2 show-options -wqv -t '=main:2' @bootcon-socket)\" ]"
	b=$(tx2 show-options -wv -t '=main:2' @bootcon-socket)
	[ "$a" != "$b" ]
	wait_until "listening '$a' && listening '$b'"
	# The first window's option was not overwritten by the second.
	[ "$(tx2 show-options -wv -t '=main:1' @bootcon-socket)" = "$a" ]
	run bootcon exec -s "$a" -- sh -c 'echo "only in a"'
	[ "$status" -eq 0 ]
	wait_until "tx2 capture-pane -p -t '=main:1' | grep -q 'only in a'"
	tx2 capture-pane -p -t '=main:2' >"$T/w2"
	run ! grep -q 'only in a' "$T/w2"
}

@test "@bootcon-log on: the key's console keeps a transcript that bootcon log reads" {
	local name
	export BOOTCON_LOG_DIR="$T/log"
	user_server
	tx2 set -g @bootcon-log on
	# The tmux server's environment is where the key's script runs.
	tx2 set-environment -g BOOTCON_LOG_DIR "$BOOTCON_LOG_DIR"
	load_plugin
	attach_client
	press B
	wait_until "[ -n \"\$(tx2 show-options -wqv -t '=main:1' @bootcon-socket)\" ]"
	name=$(tx2 show-options -wv -t '=main:1' @bootcon-socket)
	wait_pane "$CLIENT" "bootcon: $name is waiting"
	[ "$(tx2 display-message -p -t '=main:1' '#{pane_pipe}')" = 1 ]
	run -0 bootcon exec -s "$name" -- sh -c 'echo "kept by the key"'
	wait_until "bootcon log -s '$name' | grep -q ':[0-9][0-9] kept by the key\$'"
	# Off (the default): no transcript.
	tx2 set -g @bootcon-log off
	press B
	wait_until "[ -n \"\$(tx2 show-options -wqv -t '=main:2' @bootcon-socket)\" ]"
	name=$(tx2 show-options -wv -t '=main:2' @bootcon-socket)
	wait_pane "$CLIENT" "bootcon: $name is waiting"
	[ "$(tx2 display-message -p -t '=main:2' '#{pane_pipe}')" = 0 ]
	[ ! -e "$T/log/$name.log" ]
}

@test "a binding the user already has on the key is kept" {
	user_server
	tx2 bind-key -T prefix B display-message 'user binding of B'
	load_plugin
	run tx2 list-keys -T prefix B
	[[ $output == *"user binding of B"* ]]
	[[ $output != *bootcon* ]]
	attach_client
	press B
	wait_pane "$CLIENT" 'user binding of B'
	[ "$(tx2 list-windows -t =main | wc -l)" -eq 1 ]
}

@test "@bootcon-key chooses the key; none or empty binds nothing" {
	user_server
	tx2 set -g @bootcon-key 'M-b X'
	load_plugin
	[[ $(tx2 list-keys -T prefix X) == *new-console.sh* ]]
	[[ $(tx2 list-keys -T prefix M-b) == *new-console.sh* ]]
	run ! tx2 list-keys -T prefix B
	tx2 kill-server
	user_server
	tx2 set -g @bootcon-key none
	load_plugin
	[ "$(tx2 list-keys | grep -c new-console.sh)" -eq 0 ]
	tx2 set -g @bootcon-key ''
	load_plugin
	[ "$(tx2 list-keys | grep -c new-console.sh)" -eq 0 ]
}

@test "@bootcon-key-table chooses the key table" {
	user_server
	tx2 set -g @bootcon-key-table root
	tx2 set -g @bootcon-key F9
	load_plugin
	[[ $(tx2 list-keys -T root F9) == *new-console.sh* ]]
	attach_client
	tx send-keys -t "$CLIENT" F9
	wait_until "[ \"\$(tx2 list-windows -t =main | wc -l)\" -eq 2 ]"
	wait_until "listening \"\$(tx2 show-options -wv -t '=main:1' @bootcon-socket)\""
}

@test "the key without findable helpers says so and opens no window" {
	local p=$T/plugin
	# A copy of the plugin with no build beside it, on a tmux server whose
	# PATH has bootcon-server: the plugin must not use that PATH.
	mkdir -p "$p/shell"
	cp -R "$ROOT/bootcon.tmux" "$ROOT/tmux" "$p/"
	cp "$ROOT/shell/bootcon-find.sh" "$ROOT/shell/bootcon-transcript.sh" "$p/shell/"
	user_server
	load_plugin "$p"
	attach_client
	press B
	wait_pane "$CLIENT" 'bootcon: bootcon-server not found'
	[ "$(tx2 list-windows -t =main | wc -l)" -eq 1 ]
	# @bootcon-bin pointing to a directory without it: the same.
	mkdir "$T/empty"
	tx2 set -g @bootcon-bin "$T/empty"
	tx2 set -g display-time 1
	load_plugin
	tx2 set -g display-time 2500
	press B
	wait_pane "$CLIENT" 'bootcon: bootcon-server not found'
	[ "$(tx2 list-windows -t =main | wc -l)" -eq 1 ]
}

@test "@bootcon-bin finds the helpers for a plugin copied elsewhere" {
	local p=$T/plugin name
	mkdir -p "$p/shell"
	cp -R "$ROOT/bootcon.tmux" "$ROOT/tmux" "$p/"
	cp "$ROOT/shell/bootcon-find.sh" "$ROOT/shell/bootcon-transcript.sh" "$p/shell/"
	user_server
	tx2 set -g @bootcon-bin "$ROOT/c"
	load_plugin "$p"
	attach_client
	press B
	wait_until "[ -n \"\$(tx2 show-options -wqv -t '=main:1' @bootcon-socket)\" ]"
	name=$(tx2 show-options -wv -t '=main:1' @bootcon-socket)
	wait_pane "$CLIENT" "bootcon: $name is waiting"
	listening "$name"
}

@test "a console that fails to start is reported and its window closed" {
	local name
	user_server
	load_plugin
	attach_client
	# Take the name the next window will get: pane numbers only grow.
	name=@bootcon-$(tx2 display-message -p '#{pid}')-1
	tmux_window squat bootcon-server -s "$name" >/dev/null
	wait_until "listening '$name'"
	press B
	wait_pane "$CLIENT" "bootcon: socket name in use: $name"
	wait_until "[ \"\$(tx2 list-windows -t =main | wc -l)\" -eq 1 ]"
}

@test "the status-right example shows the socket name of the current window" {
	local name
	user_server
	tx2 set -g status-right '#{?#{@bootcon-socket},[#{@bootcon-socket}],}'
	load_plugin
	attach_client
	press B
	wait_until "[ -n \"\$(tx2 show-options -wqv -t '=main:1' @bootcon-socket)\" ]"
	name=$(tx2 show-options -wv -t '=main:1' @bootcon-socket)
	wait_pane "$CLIENT" "\\[$name\\]"
}
