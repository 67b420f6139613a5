#!/usr/bin/env bats
# bootcon-exec against hostile servers (tests/helpers/fakeserver): it exits
# non-zero within its timeout with one clear line on stderr, never runs PROG
# without -f, and with -f runs PROG on its original stdio, having closed
# every fd it received.

# $stderr and $stderr_lines come from "run --separate-stderr"; each test runs
# in a subshell of its own, so changing a global inside one is intended.
# shellcheck disable=SC2154

load test_helper


setup() {
	bc_setup
}

teardown() {
	exec 5>&- 2>/dev/null || true
	bc_teardown
}

# Run bootcon-exec (default timeout) against fakeserver MODE with a PROG that
# would leave a marker; expect exit CODE, one "fatal" line naming the
# socket, no marker, and an end within the timeout (loosely: 4 s).
refused() {
	local mode=$1 code=$2 start end
	fake_server "$mode"
	start=$(ms)
	run --separate-stderr bootcon-exec -s "$SOCK" -- touch "$T/marker"
	end=$(ms)
	echo "mode $mode: status $status after $((end - start)) ms, stderr: $stderr"
	[ "$status" -eq "$code" ]
	[ $((end - start)) -lt 4000 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" == "bootcon-exec: fatal: "*"$SOCK"* ]]
	[ ! -e "$T/marker" ]
	[ -z "$output" ]
}

# Run bootcon-exec -f against fakeserver MODE (or none), which sends fds of NPTYS
# ptys; PROG (fdprobe -w) must run on the original stdio with exactly fds
# 0, 1, 2, default signals, and while it runs every pty fd the client
# received must already be closed (the fake logs "released").
fallback() {
	local mode=$1 nptys=$2
	[ "$mode" = none ] || fake_server "$mode"
	mkfifo "$T/in"
	bg "$T/in" "$T/out" "$T/err" setstate -i INT,HUP -b TERM -k 7 \
		bootcon-exec -f -s "$SOCK" -- fdprobe -o "$T/probe" -w
	exec 5>"$T/in"
	wait_file "$T/out" '^fdprobe ready$'
	probe_is "$T/probe" openfds "0 1 2"
	probe_is "$T/probe" "fd 0" "$T/in"
	probe_is "$T/probe" "fd 1" "$T/out"
	probe_is "$T/probe" "fd 2" "$T/err"
	probe_is "$T/probe" sigmask empty
	probe_is "$T/probe" sigign none
	probe_is "$T/probe" pid "$BG"
	lines_are "$T/err" 1
	grep -q "^bootcon-exec: warning: .*$SOCK" "$T/err"
	if [ "$nptys" -gt 0 ]; then
		wait_until "[ \"\$(grep -c '^released' '$T/fs.log')\" -eq $nptys ]"
	fi
	alive "$BG"
	exec 5>&-
	reap "$BG"
	[ "$ST" -eq 0 ]
}

@test "fake server check: its correct hand-off (pty mode) is accepted, so each mode below fails only for its defect" {
	fake_server pty
	run bootcon-exec -s "$SOCK" -- fdprobe -o "$T/probe"
	[ "$status" -eq 0 ]
	[[ "$(probe "$T/probe" 'fd 0')" == /dev/pts/* ]]
	probe_is "$T/probe" "fds 0 1 2" same-tty
	probe_is "$T/probe" openfds "0 1 2"
	wait_file "$T/fs.log" '^ack fdprobe$'
	wait_file "$T/fs.log" '^released '
}

@test "a server that sends no fds: exit 1, one line, PROG not run" {
	refused nofds 1
}

@test "a server that sends no fds: with -f PROG runs on the original stdio" {
	fallback nofds 0
}

@test "a server that sends one fd: exit 1, one line, PROG not run" {
	refused onefd 1
}

@test "a server that sends one fd: with -f PROG runs on the original stdio, the fd closed" {
	fallback onefd 1
}

@test "a server that sends two fds: exit 1, one line, PROG not run" {
	refused twofds 1
}

@test "a server that sends four fds: exit 1, one line, PROG not run" {
	refused fourfds 1
}

@test "a server that sends four fds: with -f PROG runs on the original stdio, all fds closed" {
	fallback fourfds 1
}

@test "four fds to a client with room for fewer (prlimit --nofile): refused as truncated, never run on the part that came" {
	command -v prlimit >/dev/null || skip "prlimit is not installed"
	local n said=
	fake_server fourfds
	# Each limit leaves room for one more received fd: from none (4) to
	# all four (16, even with a few fds inherited).  On the way, one limit
	# lets in exactly three of them, which the kernel flags as cut off
	# (MSG_CTRUNC): three fds of one terminal that must not be taken for
	# the terminal.  That is 8 when only 0-2 are inherited (bootcon-exec
	# then holds 0-2, its socket and /proc/self/status, and the kernel
	# installs three fds in 5-7).
	for n in $(seq 4 16); do
		run --separate-stderr prlimit --nofile="$n" bootcon-exec -t 10 -s "$SOCK" -- touch "$T/marker" 3>&- 4>&-
		echo "nofile $n: status $status, stderr: $stderr"
		[ "$status" -eq 1 ]
		[ ! -e "$T/marker" ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		case $stderr in
		*": too many fds (control data truncated)") said="${said}t" ;;
		*": expected 3 fds in one message, got 4 in 1") said="${said}4" ;;
		*) said="${said}?" ;;
		esac
		[[ $stderr == "bootcon-exec: fatal: protocol error from $SOCK: "* ]]
	done
	# Cut off at the low limits, whole at the high ones, nothing else.
	echo "messages by limit: $said"
	[[ $said =~ ^t+4+$ ]]
}

@test "a server that sends pipes: exit 1, one line, PROG not run" {
	refused pipes 1
}

@test "a server that sends pipes: with -f PROG runs on the original stdio" {
	fallback pipes 0
}

@test "a server that sends /dev/null: exit 1, one line, PROG not run" {
	refused devnull 1
}

@test "a server that sends /dev/null: with -f PROG runs on the original stdio" {
	fallback devnull 0
}

@test "a server that sends fds of two different terminals: exit 1, one line, PROG not run" {
	refused diffterms 1
}

@test "a server that sends fds of two different terminals: with -f PROG runs on the original stdio, all fds closed" {
	fallback diffterms 2
}

@test "a server that sends the masters of two ptys (one device number, two terminals): exit 1, one line, PROG not run" {
	refused masters 1
	[[ "$stderr" == *"master side of a pty"* ]]
}

@test "a server that sends /dev/tty (whatever terminal its opener had): exit 1, one line, PROG not run" {
	FAKE_WRAP=ptyrun refused devtty 1
	[[ "$stderr" == *"/dev/tty"* ]]
}

@test "a server with a wrong tag byte and three good fds: exit 1, one line, PROG not run" {
	refused badtag 1
}

@test "a server with a wrong tag byte: with -f PROG runs on the original stdio, the fds closed" {
	fallback badtag 1
}

@test "a server that sends garbage: exit 1, one line, PROG not run" {
	refused garbage 1
}

@test "a server that sends garbage: with -f PROG runs on the original stdio" {
	fallback garbage 0
}

@test "a server that sends nothing and keeps the connection: exit 111 after the timeout, one line" {
	refused silent 111
	grep -q '^peer closed' "$T/fs.log" || wait_file "$T/fs.log" '^peer closed'
}

@test "a server that sends nothing: -t bounds the whole hand-off (2 s)" {
	fake_server silent
	start=$(ms)
	run -111 bootcon-exec -t 2 -s "$SOCK" -- touch "$T/marker"
	end=$(ms)
	[ $((end - start)) -ge 1900 ]
	[ $((end - start)) -lt 5000 ]
	[ ! -e "$T/marker" ]
}

@test "a server that sends nothing: with -f PROG runs on the original stdio after the timeout" {
	fallback silent 0
}

@test "a server that closes at once: exit 1, one line, PROG not run" {
	refused close 1
}

@test "a server that closes at once: with -f PROG runs on the original stdio" {
	fallback close 0
}

@test "a busy server: exit 1, one line, PROG not run" {
	refused busy 1
}

@test "no server at all: exit 111 within the timeout, one line naming the socket" {
	start=$(ms)
	run -111 --separate-stderr bootcon-exec -s "$SOCK" -- touch "$T/marker"
	end=$(ms)
	[ $((end - start)) -lt 4000 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "${stderr_lines[0]}" == "bootcon-exec: fatal: unable to connect to $SOCK: "* ]]
	[ ! -e "$T/marker" ]
}

@test "no server at all: with -f PROG runs on the original stdio" {
	fallback none 0
}
