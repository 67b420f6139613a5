#!/usr/bin/env bats
# make demo's script (shell/bootcon-demo): a console in a session of its
# own, handed a demo shell, and run again, the earlier one stopped first.

# shellcheck disable=SC2154 # $stderr and $stderr_lines come from bats run
load test_helper

setup_file() {
	export BATS_TEST_TIMEOUT=120
}

setup() {
	bc_setup
}

teardown() {
	bc_teardown
}

@test "the demo starts a console, hands it a shell and says how to attach" {
	run --separate-stderr env BOOTCON_SESSION=bct-demo BOOTCON_DEMO_SOCKET="$(bc_sock demo)" \
	    sh "$ROOT/shell/bootcon-demo" </dev/null
	[ "$status" -eq 0 ]
	[[ $output == *"handed the console to a demo shell"* ]]
	[[ $output == *"attach -S bct-demo"* ]]
	[[ $output == *"stop -s $(bc_sock demo)"* ]]
	wait_pane '=bct-demo:' 'demo\$ $'
	[[ $(list_line "$(bc_sock demo)") == "$(bc_sock demo)	busy pid "* ]]
	# The demo shell is interactive on the window.
	# shellcheck disable=SC2016 # typed into the demo shell
	tx send-keys -t '=bct-demo:' -l 'echo "typed $((6 * 7))"'
	tx send-keys -t '=bct-demo:' Enter
	wait_pane '=bct-demo:' '^typed 42$'
	# Run again: the earlier demo is stopped and a new one started.
	run env BOOTCON_SESSION=bct-demo BOOTCON_DEMO_SOCKET="$(bc_sock demo)" \
	    sh "$ROOT/shell/bootcon-demo" </dev/null
	[ "$status" -eq 0 ]
	[[ $output == *"stopping the earlier demo console"* ]]
}
