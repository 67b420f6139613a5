#!/usr/bin/env bats
# The boot transcript's helper, bootcon-log: the writer stamps every line
# when its first byte comes, keeps up under a tmux pane's pipe-pane, rotates,
# follows a transcript moved to another file, and never stops reading for a
# failure; the reader shows plain text without terminal noise, the raw bytes
# exactly, and works on a pipe as lines come.

# $stderr and $stderr_lines come from "run --separate-stderr"; each test runs
# in a subshell of its own, so setting W inside one is intended.
# shellcheck disable=SC2154,SC2030,SC2031
load test_helper

STAMP_RE=$'^ *[0-9]+\\.[0-9]{6} [0-9]+\\.[0-9]{6}\t'

setup() {
	bc_setup
	F=$T/transcript
}

teardown() {
	exec 5>&- 6>&-
	bc_teardown
}

# Start a writer: bootcon-log -w ARGS... reading the fifo $T/in, which fd 5
# feeds; W is its pid, its stderr goes to $T/err.
start_writer() {
	mkfifo "$T/in"
	bootcon-log -w "$@" <"$T/in" 2>"$T/err" 3>&- &
	W=$!
	track "$W"
	exec 5>"$T/in"
}

# Close the writer's input and wait for it to exit.
end_writer() {
	exec 5>&-
	reap "$W"
}

# Whether the writer W has FILE open (the one it writes).
writer_holds() {
	local fd
	for fd in /proc/"$W"/fd/*; do
		[ "$(readlink "$fd")" = "$1" ] && return 0
	done
	return 1
}

# Feed the writer "line 1", "line 2", ... in the background until $T/stop
# exists, then "last N"; return once the transcript has 1000 lines.
feed_lines() {
	(i=0; while [ ! -e "$T/stop" ]; do i=$((i + 1)); echo "line $i"; done; echo "last $i") >&5 3>&- &
	BGP=$!
	track "$BGP"
	wait_until "[ \"\$(wc -l <'$F')\" -gt 1000 ]"
}

# Stop feed_lines and the writer; TRANSCRIPT must then hold every line
# fed, once and in order, and the writer have exited 0.
end_lines() {
	touch "$T/stop"
	reap "$BGP"
	end_writer
	[ "$ST" -eq 0 ]
	texts "$1" >"$T/lines"
	tail -n 1 "$T/lines" | grep -qx 'last [0-9]*'
	head -n -1 "$T/lines" | awk '$0 != "line " NR { print "line " NR ": " $0; bad = 1 } END { exit bad }'
	[ "$(tail -n 1 "$T/lines")" = "last $(($(wc -l <"$T/lines") - 1))" ]
}

# The text of a transcript's lines, without their stamps (-t, then cut).
texts() {
	bootcon-log -t "$@" | cut -f2-
}

@test "every line is stamped with its boot and wall time, a tab, then its bytes, in a file of mode 0600" {
	local before after line boot wall up0 up1 prev=0
	up0=$(cut -d' ' -f1 /proc/uptime)
	before=$(date +%s)
	printf 'one\ntwo\n\nthree four\n' | bootcon-log -w "$F"
	after=$(date +%s)
	up1=$(cut -d' ' -f1 /proc/uptime)
	[ "$(stat -c %a "$F")" = 600 ]
	[ "$(wc -l <"$F")" -eq 4 ]
	[ "$(grep -cE "$STAMP_RE" "$F")" -eq 4 ]
	[ "$(cut -f2- "$F")" = "$(printf 'one\ntwo\n\nthree four')" ]
	while IFS= read -r line; do
		# BOOT is padded to 12 columns, like dmesg.
		[ "${#line}" -ge 12 ] && [[ ${line:0:12} =~ ^\ *[0-9]+\.[0-9]{6}$ ]]
		boot=$(echo "${line:0:12}" | tr -d ' ')
		wall=$(echo "$line" | cut -f1 | awk '{ print $2 }')
		awk -v b="$boot" -v u0="$up0" -v u1="$up1" 'BEGIN { exit !(b >= u0 - 0.01 && b <= u1 + 0.01) }'
		awk -v w="$wall" -v t0="$before" -v t1="$after" -v p="$prev" 'BEGIN { exit !(w >= t0 && w <= t1 + 1 && w >= p) }'
		prev=$wall
	done <"$F"
}

@test "a partial line is on disk at once, stamped when its first byte came, and its rest follows unstamped" {
	local t
	start_writer "$F"
	printf 'Password: ' >&5
	wait_until "[ \"\$(cut -f2- '$F')\" = 'Password: ' ]"
	[ "$(tail -c 1 "$F")" = ' ' ]
	t=$(date +%s.%N)
	printf 'ok\nnext\n' >&5
	end_writer
	[ "$ST" -eq 0 ]
	[ "$(wc -l <"$F")" -eq 2 ]
	[ "$(grep -cE "$STAMP_RE" "$F")" -eq 2 ]
	[ "$(head -n 1 "$F" | cut -f2-)" = 'Password: ok' ]
	# The stamp is from before the rest was sent, not from its newline.
	awk -v w="$(head -n 1 "$F" | cut -f1 | awk '{ print $2 }')" -v t="$t" 'BEGIN { exit !(w <= t) }'
	[ -s "$T/err" ] && { cat "$T/err"; false; }
	true
}

@test "a tmux pane's transcript through pipe-pane -o has every line the program wrote, in order, stamped" {
	local p
	cat >"$T/prog" <<-'EOF'
	#!/bin/sh
	read -r go
	seq -f 'line %g' 1 5000
	read -r end
	EOF
	chmod +x "$T/prog"
	p=$(tmux_window log "$T/prog")
	tx pipe-pane -o -t "$p" "exec $ROOT/c/bootcon-log -w $F"
	wait_until "[ -e '$F' ]"
	tx send-keys -t "$p" go Enter
	wait_until "grep -q 'line 5000' '$F'" 30
	[ "$(texts "$F" | grep -x 'line [0-9]*')" = "$(seq -f 'line %g' 1 5000)" ]
	[ "$(grep -cvE "$STAMP_RE" "$F")" -eq 0 ]
	# The raw form has the terminal's line ends.
	bootcon-log -r "$F" | grep -q $'^line 5000\r$'
}

# The read calls process PID has made so far.
reads_of() {
	awk '/^syscr:/ { print $2 }' "/proc/$1/io"
}

@test "in a flood, a read of 2 KiB or more makes the next wait 10 ms: the writer reads a flood of small writes in few reads, none lost" {
	local chunk i before after t0 elapsed
	chunk=$(printf '%02999d' 0)
	start_writer "$F"
	echo first >&5
	wait_until "grep -q first '$F'"
	before=$(reads_of "$W")
	t0=$(ms)
	# 300 writes of 3000 bytes, paced (the pause is not a wait for an
	# event): a writer that never fills the buffer, as tmux's pipe-pane.
	for i in $(seq 300); do
		printf 'w%03d %s\n' "$i" "$chunk" >&5
		sleep 0.001
	done
	echo last >&5
	wait_until "grep -q '^[^	]*	last' '$F'"
	elapsed=$(($(ms) - t0))
	after=$(reads_of "$W")
	end_writer
	[ "$ST" -eq 0 ]
	[ "$(texts "$F" | grep -c '^w[0-9][0-9][0-9] 0*$')" -eq 300 ]
	# One read per pause of 10 ms at most (and the last one); without
	# the pause a read for each of the 300 writes.
	echo "$((after - before)) reads in $elapsed ms"
	[ $((after - before)) -le $((elapsed / 10 + 3)) ]
	[ $((after - before)) -lt 300 ]
}

@test "-m rotates FILE to FILE.1 and keeps the latest output, at most about twice MAXBYTES" {
	seq -f 'line %06g of the output, padded to some length' 1 20000 >"$T/stream"
	bootcon-log -w "$F" -m 64K <"$T/stream"
	[ -s "$F" ] && [ -s "$F.1" ] && [ ! -e "$F.2" ]
	[ "$(stat -c %s "$F")" -le $((64 * 1024 + 200 * 1024)) ]
	[ "$(($(stat -c %s "$F") + $(stat -c %s "$F.1")))" -le $((2 * 64 * 1024 + 200 * 1024)) ]
	# FILE.1 then FILE: the end of the stream, every line whole and stamped.
	bootcon-log -r "$F.1" "$F" >"$T/kept"
	[ "$(tail -n 1 "$T/kept")" = "$(tail -n 1 "$T/stream")" ]
	cmp "$T/kept" <(tail -c "$(stat -c %s "$T/kept")" "$T/stream")
	[ "$(grep -cvE "$STAMP_RE" "$F")" -eq 0 ]
	[ "$(grep -cvE "$STAMP_RE" "$F.1")" -eq 0 ]
}

@test "-m on a FILE that is a symlink rotates the file it names, and the symlink stays" {
	mkdir "$T/var"
	: >"$T/var/t"
	ln -s "$T/var/t" "$F"
	seq 1 100000 | bootcon-log -w "$F" -m 100K
	[ -L "$F" ] && [ -s "$T/var/t" ] && [ -s "$T/var/t.1" ]
	[ ! -e "$F.1" ]
	[ "$(bootcon-log -r "$T/var/t.1" "$T/var/t" | tail -n 1)" = 100000 ]
}

@test "-m 1M, 1K and 0 are sizes; -m with a bad size is a usage error" {
	printf 'x\n' | bootcon-log -w "$F" -m 1M
	printf 'x\n' | bootcon-log -w "$F" -m 0
	printf 'x\n' | bootcon-log -w "$F" -m 1k
	[ "$(wc -l <"$F")" -eq 3 ]
	run -100 --separate-stderr bootcon-log -w "$F" -m 1X
	[[ $stderr == "bootcon-log: fatal: bad size: 1X"* ]]
}

@test "a transcript moved away and replaced by a symlink to it goes on there, every line once, in order" {
	mkdir "$T/var"
	start_writer "$F"
	feed_lines
	mv "$F" "$T/var/" && ln -s "$T/var/transcript" "$F"
	wait_until "[ \"\$(wc -l <'$T/var/transcript')\" -gt 20000 ]" 20
	end_lines "$T/var/transcript"
}

@test "a transcript copied elsewhere and replaced goes on in the copy: what was written after the copy is added, every line once, in order" {
	mkdir "$T/var"
	start_writer "$F"
	feed_lines
	cp "$F" "$T/var/transcript" && ln -sf "$T/var/transcript" "$F"
	wait_until "writer_holds '$T/var/transcript'" 10
	wait_until "[ \"\$(wc -l <'$T/var/transcript')\" -gt 20000 ]" 20
	end_lines "$T/var/transcript"
	[ "$(grep -cvE "$STAMP_RE" "$T/var/transcript")" -eq 0 ]
}

@test "SIGHUP makes the writer go on in a replaced FILE at once, with no output coming" {
	mkdir "$T/var"
	start_writer "$F"
	printf 'before\n' >&5
	wait_until "grep -q before '$F'"
	cp "$F" "$T/var/transcript" && ln -sf "$T/var/transcript" "$F"
	kill -HUP "$W"
	wait_until "writer_holds '$T/var/transcript'" 5
	printf 'after\n' >&5
	end_writer
	[ "$ST" -eq 0 ]
	[ "$(texts "$T/var/transcript")" = "$(printf 'before\nafter')" ]
}

@test "a FILE whose writes fail (a symlink to /dev/full) gives one warning, and 10 MB of input are still drained" {
	ln -s /dev/full "$F"
	run --separate-stderr timeout 30 sh -c "yes 'a line of output' | head -c 10000000 | bootcon-log -w '$F'"
	[ "$status" -eq 111 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$stderr" = "bootcon-log: warning: $F: No space left on device; the transcript misses output until it can write again" ]
}

@test "a FILE that cannot be opened (under /dev/null) gives one warning, and 10 MB of input are still drained" {
	run --separate-stderr timeout 30 sh -c "yes 'a line of output' | head -c 10000000 | bootcon-log -w /dev/null/x"
	[ "$status" -eq 111 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$stderr" = "bootcon-log: warning: /dev/null/x: Not a directory; the transcript misses output until it can write again" ]
}

@test "when writes work again a stamped line says how many bytes were lost, and a new failure is reported again" {
	local fed=0 i a b n
	mkfifo "$T/in"
	# A file size limit of 16 KiB: writes past it fail with EFBIG.
	(ulimit -f 16 && exec bootcon-log -w "$F") <"$T/in" 2>"$T/err" 3>&- &
	W=$!
	track "$W"
	exec 5>"$T/in"
	for i in $(seq 1 3000); do
		printf 'lost or kept line %d\n' "$i"
	done >"$T/chunk"
	cat "$T/chunk" >&5
	fed=$((fed + $(stat -c %s "$T/chunk")))
	wait_until "[ -s '$T/err' ]"
	cp "$F" "$T/before"
	: >"$F"
	printf 'after the truncation\n' >&5
	fed=$((fed + 21))
	wait_until "grep -q 'after the truncation' '$F'"
	grep -qE "${STAMP_RE}bootcon-log: [0-9]+ bytes were lost\$" "$F"
	[ "$(wc -l <"$T/err")" -eq 1 ]
	# Every byte fed is in a file or counted lost.
	n=$(sed -n 's/.*bootcon-log: \([0-9]*\) bytes were lost$/\1/p' "$F")
	a=$(bootcon-log -r "$T/before" | wc -c)
	b=$(bootcon-log -r "$F" | grep -v 'bytes were lost$' | wc -c)
	[ $((a + b + n)) -eq "$fed" ]
	[ "$(head -n 1 "$F" | cut -f2-)" = "bootcon-log: $n bytes were lost" ]
	cat "$T/chunk" >&5
	wait_until "[ \"\$(wc -l <'$T/err')\" -eq 2 ]"
	end_writer
	[ "$ST" -eq 111 ]
	[ "$(grep -c 'the transcript misses output until it can write again$' "$T/err")" -eq 2 ]
}

@test "SIGTERM ends a waiting writer at once with status 0" {
	start_writer "$F"
	printf 'one\n' >&5
	wait_until "grep -q one '$F'"
	kill -TERM "$W"
	reap "$W" 5
	[ "$ST" -eq 0 ]
}

@test "the plain form is [BOOT] local date and time, then the text; an unset wall clock is not shown" {
	printf '    2.500000 1700000000.000000\thello\n   10.000001 5.000000\tearly\n' >"$F"
	run -0 env TZ=UTC bootcon-log "$F"
	[ "${lines[0]}" = "[    2.500000] 2023-11-14 22:13:20 hello" ]
	[ "${lines[1]}" = "[   10.000001] early" ]
	run -0 env TZ=UTC bootcon-log -t "$F"
	[ "${lines[0]}" = $'2.500000 1700000000.000000\thello' ]
	run -0 bootcon-log -r -t "$F"
	[ "$output" = "$(sed 's/^ *//' "$F")" ]
}

@test "the plain form takes out colours, titles, strings, escapes and controls" {
	{
		printf '\033[1;31mred\033[0m and \033[38;5;196mmore\033[m\n'
		printf 'a\033]0;a title\007b\033]2;another\033\\c\n'
		printf 'x\033Pq#0;2;0;0;0\033\\y\033_apc\033\\z\033^pm\033\\w\033Xsos\033\\v\n'
		printf '\033(Bplain\033=\0337\0338\033M\033c\033#8 text\n'
		printf 'a\001b\tc\007d\033\n'
		printf 'cut\033[12\n'
		printf 'cut\033]0;unterminated\n'
		printf 'cut\033P\n'
	} | bootcon-log -w "$F"
	[ "$(texts "$F")" = "$(printf 'red and more\nabc\nxyzwv\nplain text\nab\tcd\ncut\ncut\ncut')" ]
}

@test "the plain form shows carriage returns and backspaces as a terminal would" {
	{
		printf '10%%\r20%%\r30%%\r\n'
		printf 'done\r\n'
		printf '100%%\r5%%\n'
		printf '100%%\r\033[K5%%\n'
		printf 'typo\b\b\bext\n'
		printf 'abc\b \b\n'
		printf '\b\bstart\n'
		printf 'caf\303\251\b!\n'
	} | bootcon-log -w "$F"
	[ "$(texts "$F")" = "$(printf '30%%\ndone\n5%%0%%\n5%%\ntext\nab\nstart\ncaf!')" ]
}

@test "the plain form shows a full-screen program's drawing (tmux-style sequences) as its text and ASCII boxes" {
	{
		printf '\033[?1049h\033[H\033[2J\033[?25l\033[1;24r\033[1;1H'
		printf '\033(0lqqqk\033(B \033[7mstatus\033[27m\033[K\n'
		printf '\033(0x\033(B hi\033(0x\033(B\033[2;1H\n'
		printf '\033[?1049l\033[?25h\033[39;49m'
	} | bootcon-log -w "$F"
	[ "$(texts "$F")" = "$(printf '+---+ status\n| hi|\n')" ]
}

@test "a line without a stamp is printed as it is, filtered, and a stamp cut by the end of the file is left out" {
	printf 'not stamped \033[1mbold\033[0m\n   1.5 2\tshort\n  12.000000 17' >"$F"
	run -0 bootcon-log "$F"
	[ "${lines[0]}" = "not stamped bold" ]
	[ "${lines[1]}" = $'   1.5 2\tshort' ]
	[ "${#lines[@]}" -eq 2 ]
	run -0 bootcon-log -r "$F"
	[ "$output" = $'not stamped \033[1mbold\033[0m\n   1.5 2\tshort' ]
}

@test "-r reproduces the output stream byte for byte, binary and long lines included" {
	head -c 2000000 /dev/urandom >"$T/stream"
	head -c 3000000 /dev/zero | tr '\0' x >>"$T/stream"
	printf '\r\n\033[0m\000partial' >>"$T/stream"
	bootcon-log -w "$F" <"$T/stream"
	bootcon-log -r "$F" >"$T/out"
	cmp "$T/stream" "$T/out"
	bootcon-log -r <"$F" >"$T/out"
	cmp "$T/stream" "$T/out"
	# The plain reader takes the same input without failing.
	bootcon-log "$F" >/dev/null
}

@test "the reader on a pipe prints each line as it comes, and -r a prompt with no newline" {
	mkfifo "$T/rin" "$T/rrin"
	bootcon-log <"$T/rin" >"$T/out" 3>&- &
	BGP=$!
	track "$BGP"
	exec 5>"$T/rin"
	printf '    1.000000 1700000000.000000\tfirst line\n' >&5
	wait_until "grep -q 'first line' '$T/out'"
	printf '    2.000000 1700000001.000000\tsecond line\n' >&5
	wait_until "grep -q 'second line' '$T/out'"
	exec 5>&-
	reap "$BGP"
	[ "$ST" -eq 0 ]
	bootcon-log -r <"$T/rrin" >"$T/rout" 3>&- &
	BGP=$!
	track "$BGP"
	exec 6>"$T/rrin"
	printf '    3.000000 1700000002.000000\tPassword: ' >&6
	wait_until "[ \"\$(cat '$T/rout')\" = 'Password: ' ]"
	printf '\n    4.000000 1700000003.000000\tok\n' >&6
	wait_until "[ \"\$(cat '$T/rout')\" = \"\$(printf 'Password: \nok')\" ]"
	exec 6>&-
	reap "$BGP"
	[ "$ST" -eq 0 ]
}

@test "tail -F of a transcript being written, through the reader, shows its lines as they are written" {
	mkfifo "$T/tail"
	start_writer "$F"
	printf 'early line\n' >&5
	tail -n +1 -F "$F" >"$T/tail" 2>/dev/null 3>&- 5>&- &
	BGP=$!
	track "$BGP"
	bootcon-log <"$T/tail" >"$T/out" 3>&- 5>&- &
	BGP=$!
	track "$BGP"
	wait_until "grep -q 'early line' '$T/out'"
	printf 'later line\n' >&5
	wait_until "grep -q 'later line' '$T/out'"
	end_writer
	[ "$ST" -eq 0 ]
}

@test "a reader of the output going away ends the reader with status 0" {
	seq 1 200000 | bootcon-log -w "$F"
	run bash -c "bootcon-log '$F' | head -n 1; exit \${PIPESTATUS[0]}"
	[ "$status" -eq 0 ]
	[[ $output == *"] "*" 1" ]]
}

@test "a FILE to read that cannot be opened exits 111 after printing the others" {
	printf 'kept\n' | bootcon-log -w "$F"
	run --separate-stderr bootcon-log "$T/missing" "$F"
	[ "$status" -eq 111 ]
	[[ $output == *"] "*" kept" ]]
	[ "$stderr" = "bootcon-log: warning: unable to open $T/missing: No such file or directory" ]
}

@test "usage errors exit 100 with one line on stderr" {
	local args
	for args in "-x" "-w" "-m 1K" "-w $F extra" "-w $F -r" "-w $F -t" "-m" "-w ''"; do
		eval "run -100 --separate-stderr bootcon-log $args </dev/null"
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ $stderr == "bootcon-log: "* ]]
		[ -z "$output" ]
	done
	[ ! -e "$F" ]
	run -0 bootcon-log -h
	[[ $output == usage:* ]]
}

# True once process PID has ended, or is blocked in a system call other
# than number NR.
left_call() {
	local s
	[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c 1)" != Z ] || return 0
	s=$(cut -d ' ' -f 1 "/proc/$1/syscall" 2>/dev/null) || return 0
	[ -n "$s" ] && [ "$s" != running ] && [ "$s" != "$2" ]
}

@test "-i FIFO: read without waiting for a writer, through a writer closing and another opening (screen reopening its log), to the end of the last one, then the FIFO is removed" {
	mkfifo "$T/fifo"
	bootcon-log -w "$F" -i "$T/fifo" </dev/null 2>"$T/err" 3>&- &
	W=$!
	track "$W"
	# It holds the FIFO before any writer: opening it to write never waits.
	wait_until "[ \"\$(readlink /proc/$W/fd/0)\" = '$T/fifo' ]"
	exec 6>"$T/fifo"
	echo "first writer" >&6
	wait_until "grep -q 'first writer' '$F'"
	# A second writer, then both gone: the end.
	exec 7>"$T/fifo"
	exec 6>&-
	echo "second writer" >&7
	wait_until "grep -q 'second writer' '$F'"
	alive "$W"
	# The last writer gone and another there within the second, as when
	# screen reopens its log: the reader has seen the end of file (it is
	# in another system call than its wait for input) and goes on.
	wait_until "[ \"\$(cut -d ' ' -f 1 /proc/$W/syscall)\" != running ]"
	idle=$(cut -d ' ' -f 1 "/proc/$W/syscall")
	exec 7>&-
	wait_until "left_call $W $idle"
	exec 7>"$T/fifo"
	[ -p "$T/fifo" ]
	echo "third writer" >&7
	wait_until "grep -q 'third writer' '$F'"
	exec 7>&-
	reap "$W"
	[ "$ST" -eq 0 ]
	[ ! -e "$T/fifo" ]
	[ ! -s "$T/err" ]
	run -100 bootcon-log -i "$T/fifo"
	run -111 bootcon-log -w "$F" -i "$F"
}

@test "-o: the input goes on to stdout unchanged beside the transcript; a reader gone does not stop the transcript" {
	head -c 300000 /dev/urandom >"$T/data"
	bootcon-log -w "$F" -o <"$T/data" >"$T/copy" 2>"$T/err"
	cmp "$T/data" "$T/copy"
	bootcon-log -r "$F" | cmp - "$T/data"
	# A reader that goes away at once (EPIPE): the transcript has it all.
	rm -f "$F"
	bootcon-log -w "$F" -o <"$T/data" 2>"$T/err" | true
	bootcon-log -r "$F" | cmp - "$T/data"
	# A reader that never reads: what does not fit is dropped, nothing waits.
	rm -f "$F"
	mkfifo "$T/slow"
	exec 6<>"$T/slow"
	head -c 20000000 /dev/zero >"$T/big"
	timeout 20 bootcon-log -w "$F" -o <"$T/big" >"$T/slow" 2>"$T/err"
	exec 6<&-
	[ "$(bootcon-log -r "$F" | wc -c)" -eq 20000000 ]
}

@test "FILE's directory moved (the initramfs's /run at switch_root): a relative link put there leads the writer to the moved file" {
	mkdir -p "$T/a/log" "$T/var"
	F=$T/a/log/transcript
	start_writer "$F"
	echo "line 1" >&5
	wait_until "grep -q 'line 1' '$F'"
	# The old path is gone; the writer's directory lives on under a new one.
	mv "$T/a" "$T/b"
	cp "$T/b/log/transcript" "$T/var/transcript"
	ln -s ../../var/transcript "$T/b/log/transcript.link"
	mv -f "$T/b/log/transcript.link" "$T/b/log/transcript"
	echo "line 2" >&5
	wait_until "grep -q 'line 2' '$T/var/transcript'"
	[ "$(grep -c 'line 1' "$T/var/transcript")" -eq 1 ]
	end_writer
	[ "$ST" -eq 0 ]
}
