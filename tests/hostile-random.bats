#!/usr/bin/env bats
# Randomized hostile peers (tests/helpers/hostile), bounded for make check:
# a few hundred hostile servers against bootcon-exec, and swarms of hostile
# clients against a real bootcon-server in a private tmux window.  They
# assert the contract (DESIGN.md): -t bounds the hand-off (no hang past
# -t + 1 s), PROG runs on one terminal the server sent or, with -f, on its
# original stdio, never two programs on one window, and the server keeps
# serving and stops on SIGTERM even with its window's output stopped (^S).
#
# The seed is random unless HOSTILE_SEED is set, and is printed; each
# violation is one line naming its kind and seed, and
# "tests/helpers/hostile server SEED 1 c/bootcon-exec" replays one server
# run.  HOSTILE_SERVER_RUNS and HOSTILE_CLIENT_RUNS change the run counts.

load test_helper

# bats kills a test that runs longer than this (each run below also has a
# deadline of its own).
BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}

setup() {
	bc_setup
	SEED=${HOSTILE_SEED:-$(($(date +%s%N) / 1000 % 1000000000))}
	echo "# seed $SEED (HOSTILE_SEED=$SEED repeats it)"
}

teardown() {
	bc_teardown
}

# Run the hostile helper with ARGS, killed after SECONDS (its runs die with
# it); say so if it was killed.
hostile_within() {
	local secs=$1 st=0
	shift
	timeout -k 2 "$secs" hostile "$@" 3>&- || st=$?
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		echo "hostile $1: killed after ${secs}s, before its summary"
	fi
	return "$st"
}

# Run hostile clients with ARGS against the server of start_server, which
# gets ^S and ^Q typed into its window by tmux (the private server only).
hostile_clients() {
	hostile_within "$1" clients -e "$ROOT/c/bootcon-exec" -w "$PTY" -p "$SPID" \
		-S "tmux -L '$BC_TX' send-keys -t '$PANE' C-s" \
		-Q "tmux -L '$BC_TX' send-keys -t '$PANE' C-q" "${@:2}"
}

@test "randomized hostile servers: bootcon-exec ends within -t + 1 s and runs PROG on one terminal or, with -f, on its stdio" {
	hostile_within 60 server -j 4 "$SEED" "${HOSTILE_SERVER_RUNS:-240}" "$ROOT/c/bootcon-exec"
}

@test "randomized hostile clients: never two programs on the window; the server keeps serving, and stops on SIGTERM with its output stopped" {
	start_server
	hostile_clients 80 "$SEED" "${HOSTILE_CLIENT_RUNS:-150}" "$SOCK"
}

@test "hostile clients of a -v server: with its output stopped, it answers a connection and stops on SIGTERM within 1 s" {
	start_server -v
	hostile_clients 30 -V "$SEED" 6 "$SOCK"
}
