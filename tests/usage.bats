#!/usr/bin/env bats
# The bootcon command's usage: help on stdout, and usage errors (exit 100,
# one line naming the problem, the subcommand's synopsis), nothing started.

# shellcheck disable=SC2154 # $stderr and $stderr_lines come from bats run
load test_helper

setup() {
	bc_setup
}

teardown() {
	bc_teardown
}

@test "help prints the usage on stdout and exits 0" {
	run --separate-stderr bootcon help
	[ "$status" -eq 0 ]
	[[ $output == *"bootcon start [--tmux | --screen] [-l] [-s SOCKET] [-S SESSION]"* ]]
	[[ $output == *"bootcon list"* ]]
	[ -z "$stderr" ]
	run bootcon --help
	[ "$status" -eq 0 ]
}

@test "usage errors exit 100 with one line naming the problem" {
	run -100 --separate-stderr bootcon
	run -100 --separate-stderr bootcon frobnicate
	[ "$stderr" = "bootcon: unknown command: frobnicate (see bootcon help)" ]
	run -100 --separate-stderr bootcon start --bogus
	[ "${stderr_lines[0]}" = "bootcon: unknown argument: --bogus" ]
	[ "${stderr_lines[1]}" = "usage: bootcon start [--tmux | --screen] [-l] [-s SOCKET] [-S SESSION]" ]
	run -100 --separate-stderr bootcon start -s
	run -100 --separate-stderr bootcon stop -x
	run -100 --separate-stderr bootcon start -S a.b -s "$(bc_sock)"
	run -100 --separate-stderr bootcon start -S "$(printf 'a\tb')" -s "$(bc_sock)"
	[ "${stderr_lines[0]}" = "bootcon: bad tmux session name: $(printf 'a\tb')" ]
	# tmux stores $ and \ escaped in session names: refused too.
	# shellcheck disable=SC2016 # a literal $ in a session name
	run -100 --separate-stderr bootcon start -S 'a$b' -s "$(bc_sock)"
	[ "${stderr_lines[0]}" = "bootcon: bad tmux session name: a\$b" ]
	run -100 --separate-stderr bootcon start -S 'a\b' -s "$(bc_sock)"
	run ! listening "$(bc_sock)"
	run -100 --separate-stderr bootcon list extra
	# Nothing was started.
	run ! tx has-session
}
