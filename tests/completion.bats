#!/usr/bin/env bats
# The bash completion (shell/bootcon.bash-completion): subcommands, options
# and the sockets of the consoles running (bootcon list's).

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

@test "bash completion completes commands, options and console sockets" {
	[ -f /usr/share/bash-completion/bash_completion ] ||
	    skip "bash-completion is not installed"
	local sock
	sock=$(bc_sock)
	bootcon start -s "$sock" >/dev/null
	run bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$1/shell/bootcon.bash-completion"
		comp() {
			COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
			COMPREPLY=(); _bootcon bootcon "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
			echo "${COMPREPLY[*]}"
		}
		comp bootcon st
		comp bootcon start --s
		comp bootcon stop -s "$2"
		comp bootcon exec -s x -- tru 2>/dev/null
		# As bash splits a line: @ is in COMP_WORDBREAKS, so "@bct"
		# comes as two words; the reply replaces what follows the @.
		# (An interactive bash has @ there, this one may not.)
		[[ $COMP_WORDBREAKS == *@* ]] || COMP_WORDBREAKS+=@
		lcomp() {
			COMP_LINE=$1; COMP_POINT=${#COMP_LINE}; shift
			COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMPREPLY=(); _bootcon bootcon "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
			echo "${COMPREPLY[*]}"
		}
		s=${2#@}
		lcomp "bootcon stop -s @${s%-*}" bootcon stop -s @ "${s%-*}"
		lcomp "bootcon exec -s @${s%-*}" bootcon exec -s @ "${s%-*}"
		lcomp "bootcon start -s @in" bootcon start -s @ in
		lcomp "bootcon stop -s @" bootcon stop -s @
		comp bootcon attach -s "$2"
		comp bootcon mi
		comp bootcon attach -
		comp bootcon co
		comp bootcon ssh-command -' - "$ROOT" "$sock"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "start stop" ]
	[ "${lines[1]}" = "--screen" ]
	[ "${lines[2]}" = "$sock" ]
	[[ ${lines[3]} == *true* ]]
	[ "${lines[4]}" = "${sock#@}" ]
	[ "${lines[5]}" = "${sock#@}" ]
	[ "${lines[6]}" = init_console ]
	# After a bare @, every console of the machine is offered, ours too.
	[[ " ${lines[7]} " == *" ${sock#@} "* ]]
	# (@ is in COMP_WORDBREAKS from here: the part before it is stripped.)
	[ "${lines[8]}" = "${sock#@}" ]
	[ "${lines[9]}" = mirror ]
	[ "${lines[10]}" = "--tmux --screen -r -w -t -s -S --help" ]
	[ "${lines[11]}" = "conserver" ]
	[ "${lines[12]}" = "-r -s --help" ]
}
