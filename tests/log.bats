#!/usr/bin/env bats
# Transcripts of consoles: `bootcon start -l` (tmux's copy of the window,
# written by bootcon-log), `bootcon log` reading them plain, raw and
# followed, `bootcon log --save` keeping a boot's in the save directory and
# rotating earlier boots, and what happens when they cannot be written.
# bootcon-log itself: transcript.bats.

# Each test runs in a subshell of its own: SOCK and BOOTCON_LOG_DIR set in
# one are meant for it alone; $stderr comes from run --separate-stderr; the
# programs in single quotes are for the window's shell.
# shellcheck disable=SC2030,SC2031,SC2154,SC2016
load test_helper

setup() {
	bc_setup
	export BOOTCON_LOG_DIR="$T/log" BOOTCON_LOG_WARN="$T/warn"
}

teardown() {
	bc_teardown
}

# The transcript file of socket $SOCK.
logfile() {
	echo "$BOOTCON_LOG_DIR/$SOCK.log"
}

@test "start -l: every line a program writes is in the transcript, in order, each stamped" {
	run -0 bootcon start -l -s "$SOCK"
	[ "$output" = "$SOCK" ]
	[ -f "$(logfile)" ]
	[ "$(stat -c %a "$BOOTCON_LOG_DIR")" = 700 ]
	bg_exec "$SOCK" sh -c 'i=1; while [ $i -le 3000 ]; do printf "\033[1mline\033[0m %d\n" $i; i=$((i + 1)); done; echo all-written; read -r x'
	wait_until "bootcon log -s '$SOCK' | grep -q all-written" 20
	run -0 bootcon log -s "$SOCK"
	# Plain: no escape left, every line stamped [BOOT] DATE TIME.
	printf '%s\n' "$output" | grep -q "$(printf '\033')" && return 1
	printf '%s\n' "$output" | grep -v -Eq '^\[ *[0-9]+\.[0-9]{6}\] [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} ' &&
		{ printf '%s\n' "$output" | grep -v -E '^\[ *[0-9]+\.[0-9]{6}\] [0-9-]{10} [0-9:]{8} ' | head -n 3 >&2; return 1; }
	# Lines 1..3000, each once, in order.
	printf '%s\n' "$output" | sed -n 's/.* line \([0-9]*\)$/\1/p' >"$T/nums"
	seq 1 3000 | cmp - "$T/nums"
	# Raw: the bytes as written, escapes kept.
	run -0 bootcon log -r -s "$SOCK"
	[[ $output == *$'\033[1mline\033[0m 3000\r'* ]]
}

@test "a prompt without a newline is in the transcript at once; log -f follows what comes, typed keys included" {
	run -0 bootcon start -l -s "$SOCK"
	bg /dev/null "$T/follow" "$T/follow.err" sh "$BOOTCON" log -f -s "$SOCK"
	local follow=$BG kids
	bg_exec "$SOCK" sh -c 'printf "Passphrase: "; read -r p; echo "unlocked with $p"; read -r x'
	# On disk before anyone answers it.
	wait_until "bootcon log -r -s '$SOCK' | grep -q 'Passphrase: \$'"
	tx send-keys -t "=bootcon:0" -l 'open sesame'
	tx send-keys -t "=bootcon:0" Enter
	wait_file "$T/follow" 'unlocked with open sesame$'
	# The typed line echoed by the terminal, then the program's answer.
	grep -q 'Passphrase: open sesame$' "$T/follow"
	# Its tail and reader end with it.
	kids=$(cat "/proc/$follow/task/$follow/children")
	[ -n "$kids" ]
	kill -TERM "$follow"
	wait_until "( for k in $kids; do ! alive \$k || exit 1; done )"
}

@test "start without -l or with BOOTCON_LOG unset keeps no transcript; BOOTCON_LOG=1 keeps one" {
	run -0 bootcon start -s "$SOCK"
	[ ! -e "$(logfile)" ]
	run -1 bootcon log -s "$SOCK"
	[ "$output" = "bootcon: no transcript of $SOCK ($(logfile))" ]
	SOCK=$(bc_sock 1)
	BOOTCON_LOG=1 run -0 bootcon start -s "$SOCK"
	[ -f "$(logfile)" ]
}

@test "an unwritable log directory: start warns in one line and the console works without a transcript" {
	export BOOTCON_LOG_DIR=/dev/null/log
	run -0 --separate-stderr bootcon start -l -s "$SOCK"
	[ "$output" = "$SOCK" ]
	[ "$stderr" = "bootcon: no transcript: unable to write /dev/null/log/$SOCK.log" ]
	bg_exec "$SOCK" sh -c 'echo works-without; read -r x'
	wait_pane "=bootcon:0" '^works-without'
}

@test "a full disk: the program writes on unhindered, bootcon-log warns once" {
	mkdir -m 700 "$BOOTCON_LOG_DIR"
	ln -s /dev/full "$(logfile)"
	run -0 bootcon start -l -s "$SOCK"
	# 2 MB through the window, far more than any pipe holds.
	bg_exec "$SOCK" sh -c 'seq 1 300000; echo full-disk-done; read -r x'
	wait_pane "=bootcon:0" '^full-disk-done' 60
	wait_until "[ -s '$BOOTCON_LOG_WARN' ]"
	[ "$(wc -l <"$BOOTCON_LOG_WARN")" -eq 1 ]
	grep -q 'No space left on device' "$BOOTCON_LOG_WARN"
}

@test "log --save keeps the transcripts in the save directory, rotates earlier boots, and the transcript goes on there" {
	local id
	export BOOTCON_LOG_SAVE_DIR="$T/var" BOOTCON_LOG_KEEP=3
	id=$(cat /proc/sys/kernel/random/boot_id)
	# Three earlier boots: 0 (the last) becomes 1, 1 becomes 2, 2 goes.
	for n in 0 1 2; do
		mkdir -p "$T/var/$n"
		echo "boot-$n" >"$T/var/$n/boot_id"
		printf '1.000000 1700000000.000000\tearlier boot %s\n' "$n" >"$T/var/$n/$SOCK.log"
	done
	run -0 bootcon start -l -s "$SOCK"
	bg_exec "$SOCK" sh -c 'echo before-save; read -r x; echo after-save; read -r x'
	wait_until "grep -q before-save '$(logfile)'"
	run -0 bootcon log --save
	[ -L "$(logfile)" ]
	[ "$(readlink -f "$(logfile)")" = "$T/var/0/$SOCK.log" ]
	[ "$(cat "$T/var/0/boot_id")" = "$id" ]
	[ "$(cat "$T/var/1/boot_id")" = boot-0 ]
	[ "$(cat "$T/var/2/boot_id")" = boot-1 ]
	[ ! -e "$T/var/3" ]
	[ "$(stat -c %a "$T/var")" = 700 ]
	tx send-keys -t "=bootcon:0" Enter
	wait_until "grep -q after-save '$T/var/0/$SOCK.log'"
	[ "$(grep -c before-save "$T/var/0/$SOCK.log")" -eq 1 ]
	# Saved twice in one boot: nothing moves.
	run -0 bootcon log --save
	[ "$(cat "$T/var/1/boot_id")" = boot-0 ]
	# This boot, and the one before.
	run -0 bootcon log -s "$SOCK"
	[[ $output == *before-save*after-save* ]]
	run -0 bootcon log -b 1 -s "$SOCK"
	[[ $output == *"earlier boot 0" ]]
	run -0 bootcon log -b -2 -s "$SOCK"
	[[ $output == *"earlier boot 1" ]]
}

@test "log: usage errors exit 100, an unknown console's transcript 1" {
	run -100 bootcon log -b x
	[ "${lines[0]}" = "bootcon: bad boot number: -b x" ]
	run -100 bootcon log -z
	[ "${lines[0]}" = "bootcon: unknown argument: -z" ]
	run -1 bootcon log -s @no-such-console
	[ "$output" = "bootcon: no transcript of @no-such-console ($BOOTCON_LOG_DIR/@no-such-console.log)" ]
	run -0 bootcon log -h
	[[ $output == "usage: bootcon log "* ]]
}

@test "a path socket's transcript is named after it, each / as _" {
	run -0 bootcon start -l -s "$T/sock"
	bg_exec "$T/sock" sh -c 'echo path-socket; read -r x'
	local f="$BOOTCON_LOG_DIR/${T//\//_}_sock.log"
	wait_until "grep -q path-socket '$f'"
	run -0 bootcon log -s "$T/sock"
	[[ $output == *path-socket* ]]
}

@test "bootcon mirror on a console keeping a transcript: both go on, through tmux's one pipe of the window" {
	local dev tty
	make_prog
	run -0 bootcon start -l -s "$SOCK"
	bg_exec "$SOCK" "$T/prog" "$T/pid" "$SOCK"
	wait_until "bootcon log -s '$SOCK' | grep -q 'prog ready on'"
	dev=$(TX=tx2 tmux_window o sleep 1000)
	tty=$(tx2 display -p -t "$dev" '#{pane_tty}')
	run -0 bootcon mirror -s "$SOCK" "$tty"
	# Typed on the device: the program gets it, the device shows its
	# answer, and so does the transcript.
	tx2 send-keys -t "$dev" from-the-device Enter
	wait_pane "=bootcon:0" 'prog got: from-the-device'
	TX=tx2 wait_pane "$dev" 'prog got: from-the-device'
	wait_until "bootcon log -s '$SOCK' | grep -q ' prog got: from-the-device\$'"
	# One writer of the transcript at a time.
	[ "$(tx display -p -t =bootcon:0 '#{pane_pipe}')" = 1 ]
	wait_until "[ \"\$(grep -c 'prog ready on' '$(logfile)')\" -eq 1 ]"
}

@test "start --screen -l: screen logs each window into its own transcript, flushed at once" {
	command -v screen >/dev/null || skip "GNU screen is not installed"
	local n
	for n in 1 2 3; do
		run -0 bootcon start --screen -l -s "$(bc_sock "$n")"
	done
	# Each prompt is on disk while its program still waits (screen's
	# default would hold it up to 10 s).
	for n in 3 1 2; do
		bg_exec "$(bc_sock "$n")" sh -c "printf 'in %s\\nprompt %s: ' $n $n; read -r x"
	done
	for n in 1 2 3; do
		SOCK=$(bc_sock "$n")
		wait_until "bootcon log -s '$SOCK' | grep -q ' prompt $n: '" 4
		run -0 bootcon log -s "$SOCK"
		[ "$(printf '%s\n' "$output" | grep -c ' in [0-9]$')" -eq 1 ]
		[[ $output == *" in $n"* ]]
	done
	# No reader left once the windows are gone, no FIFO, nothing in $HOME.
	for n in 1 2 3; do
		run -0 bootcon stop -s "$(bc_sock "$n")"
	done
	wait_until "! ls '$BOOTCON_LOG_DIR'/*.fifo >/dev/null 2>&1"
	run ls "$HOME"
	[[ $output != *screenlog* ]]
}
