# shellcheck shell=bash
# The helpers of every bats suite ("load test_helper"): paths and a clean
# environment; bc_setup and bc_teardown, the one per-test set-up and
# teardown (a scratch directory, private tmux and screen servers, and every
# background process tracked by pid and killed); wait_until, the one wait
# (a deadline, never a fixed sleep), which every other wait builds on; then
# helpers by job: processes, tmux, screen, servers in windows and fake
# peers, fdprobe reports, the bootcon command, other uids.  Background
# processes start with fd 3 closed (bats waits for whoever holds it).

bats_require_minimum_version 1.5.0

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
PATH="$ROOT/c:$ROOT/shell:$ROOT/tests/helpers:$PATH"
export PATH ROOT
unset BOOTCON_SOCKET BOOTCON_MUX BOOTCON_SESSION TMUX TMUX_PANE STY WINDOW
BOOTCON=$ROOT/shell/bootcon

# The test's private tmux server (tx, also bootcon's), and a second one
# (tx2: the user's own tmux, terminals to attach from, devices to mirror
# on); never the user's servers.
BC_TX="bct$$"
BC_TX2="bc2$$"

# Set-up and teardown

# Per-test set-up: a short private directory T (sun_path is 108 bytes) that
# is HOME and holds the tmux and screen sockets; SOCK, a socket name unique
# to the test; bootcon's tmux server is the test's (tx); no tracked pids.
bc_setup() {
	BC_TMP=$(mktemp -d /tmp/bc.XXXXXX)
	T=$BC_TMP
	export T HOME="$BC_TMP" TMUX_TMPDIR="$BC_TMP" SCREENDIR="$BC_TMP/s"
	mkdir -m 700 "$SCREENDIR"
	SOCK=$(bc_sock 0)
	export SOCK BOOTCON_TMUX_SERVER="$BC_TX" SYSSCREENRC=/dev/null
	unset BOOTCON_BIN BOOTCON_TMUX_CONF BOOTCON_TIMEOUT
	BC_PIDS=
	BC_HOLD=
}

# Per-test teardown: kill every tracked process and its children (by pid),
# then both private tmux servers and the screen sessions, then remove the
# scratch directory.
bc_teardown() {
	local p s kids
	# Their children first (a pipeline's, say), which a killed parent
	# would leave running.
	for p in $BC_PIDS; do
		kids=$(cat "/proc/$p/task/$p/children" 2>/dev/null) || kids=
		# shellcheck disable=SC2086 # a list of pids
		[ -z "$kids" ] || kill -KILL $kids 2>/dev/null || true
		kill -KILL "$p" 2>/dev/null || true
	done
	tx kill-server 2>/dev/null || true
	tx2 kill-server 2>/dev/null || true
	if [ -n "${SCREENDIR:-}" ] && [ -d "$SCREENDIR" ]; then
		for s in "$SCREENDIR"/*; do
			[ -e "$s" ] && screen -S "${s##*/}" -X quit 2>/dev/null
		done
	fi
	[ -n "${BC_TMP:-}" ] && rm -rf "$BC_TMP"
	return 0
}

# Remember the processes PID... for bc_teardown to kill.
track() {
	BC_PIDS="$BC_PIDS $*"
}

# A socket name unique to this test run.
bc_sock() {
	echo "@bct-$$-${BATS_TEST_NUMBER:-0}-${1:-0}"
}

# Skip the test unless running as root, saying what it needs root for.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (${1:-other uids, namespaces})"
}

# Waits and checks of output

# Milliseconds since the epoch.
ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Wait until CMD (a shell string) succeeds, for at most SECONDS (default 10).
wait_until() {
	local secs=${2:-10} end
	end=$(($(ms) + secs * 1000))
	while ! eval "$1"; do
		if [ "$(ms)" -ge "$end" ]; then
			echo "timed out after ${secs}s waiting for: $1" >&2
			return 1
		fi
		sleep 0.02
	done
}

# Wait until the output of the shell command CMD has a line matching the
# ERE PATTERN, for at most SECONDS (default 10); else show that output.
wait_output() {
	if ! wait_until "{ $1; } 2>/dev/null | grep -Eq -- '$2'" "${3:-10}"; then
		echo "--- $1:" >&2
		eval "$1" >&2 2>/dev/null
		return 1
	fi
}

# Fail, showing it, if the output of the shell command CMD has a line
# matching the ERE PATTERN (a bare "! cmd" would not fail a bats test).
output_lacks() {
	if { eval "$1"; } 2>/dev/null | grep -Eq -- "$2"; then
		echo "--- $1 unexpectedly shows '$2':" >&2
		eval "$1" >&2 2>/dev/null
		return 1
	fi
}

# Wait until FILE has a line matching the ERE PATTERN.
wait_file() {
	wait_output "cat '$1'" "$2" "${3:-10}"
}

# Processes

# Run CMD in the background with stdin from IN, stdout to OUT, stderr to ERR
# and fd 3 closed; set BG to its pid and track it.
bg() {
	local in=$1 out=$2 err=$3
	shift 3
	"$@" <"$in" >"$out" 2>"$err" 3>&- &
	BG=$!
	track "$BG"
}

# Succeed if process PID exists (and is not a zombie).
alive() {
	local state
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}

# Succeed if process PID has ended (no such process, or a zombie).
exited() {
	! alive "$1"
}

# Wait (at most SECONDS, default 10) for the background process PID to end
# and set ST to its exit status.
reap() {
	ST=0
	wait_until "exited $1" "${2:-10}" || return 1
	wait "$1" || ST=$?
	export ST
}

# The pids of the bootcon-server processes among the children of PID (a
# screen session's, a tmux server's: found by parent, never machine-wide).
server_children() {
	local c comm kids=()
	read -r -a kids 2>/dev/null <"/proc/$1/task/$1/children" || true
	for c in "${kids[@]}"; do
		read -r comm 2>/dev/null <"/proc/$c/comm" || continue
		[ "$comm" != bootcon-server ] || echo "$c"
	done
	return 0
}

# The pids of the processes running the command line ARG... that this
# test started: they carry its private directory in their environment
# (TMUX_TMPDIR=$T, from bc_setup); another run's processes never do.
our_processes() {
	local d comm cmd want=$*
	for d in /proc/[0-9]*; do
		read -r comm 2>/dev/null <"$d/comm" || continue
		[ "$comm" = "${1:0:15}" ] || continue
		cmd=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
		[ "$cmd" = "$want " ] || continue
		grep -qzxF "TMUX_TMPDIR=$T" "$d/environ" 2>/dev/null && echo "${d#/proc/}"
	done
	return 0
}

# Succeed if a socket named NAME (@abstract or path) is bound.
listening() {
	awk -v n="$1" '$8 == n { f = 1 } END { exit !f }' /proc/net/unix
}

# tmux

# Run tmux against the test's private server.
tx() {
	tmux -L "$BC_TX" -f /dev/null "$@" 3>&-
}

# Run tmux against the second private server.
tx2() {
	tmux -L "$BC_TX2" -f /dev/null "$@" 3>&-
}

# The next three work on the test's server, or with TX=tx2 on the second.

# Open a window running CMD... in the session SESSION (made, detached and
# 100x30, on first use); print its pane id.
tmux_window() {
	local session=$1 tx=${TX:-tx}
	shift
	if "$tx" has-session -t "=$session" 2>/dev/null; then
		"$tx" new-window -d -t "=$session:" -P -F '#{pane_id}' "$@"
	else
		"$tx" new-session -d -x 100 -y 30 -s "$session" -P -F '#{pane_id}' "$@"
	fi
}

# Print the contents of the tmux pane TARGET, its history included.
pane() {
	"${TX:-tx}" capture-pane -p -J -S - -t "$1"
}

# Wait until the tmux pane TARGET shows text matching the ERE PATTERN.
wait_pane() {
	wait_output "pane '$1'" "$2" "${3:-10}"
}

# Fail if pane PANE shows text matching the ERE PATTERN.
pane_lacks() {
	output_lacks "pane '$1'" "$2"
}

# Print tmux's FORMAT for pane PANE.
pane_fmt() {
	tx display-message -p -t "$1" "$2"
}

# Succeed if pane PANE's command has exited (tmux 3.3a does not always
# record its exit status: use pty_server or ptyrun for that).
pane_dead() {
	[ "$(pane_fmt "$1" '#{pane_dead}')" = 1 ]
}

# The windows of the tmux session (exact name) as "index name" lines.
tmux_windows() {
	tx list-windows -t "=$1" -F '#{window_index} #{window_name}'
}

# screen

# Print screen window WINDOW of session SESSION (hardcopy is written
# asynchronously: wait for it, 5 s at most).
screen_text() {
	local f=$T/hardcopy.$$
	rm -f "$f"
	screen -S "$1" -p "$2" -X hardcopy "$f" || return 1
	wait_until "[ -e '$f' ]" 5 2>/dev/null || true
	cat "$f" 2>/dev/null
}

# Wait until screen window WINDOW of SESSION shows text matching PATTERN.
wait_screen() {
	wait_output "screen_text '$1' '$2'" "$3" "${4:-10}"
}

# The screen session id (pid.name) of the session named exactly NAME.
screen_id() {
	screen -ls 2>/dev/null | awk -v n="$1" '
	    $1 ~ /^[0-9]+\./ { id = $1; s = id; sub(/^[0-9]+\./, "", s); if (s == n) print id }'
}

# The windows of screen session ID as "number title" lines.
screen_windows() {
	{ screen -S "$1" -Q windows '%n %t|' && echo; } | tr '|' '\n' | sed '/^$/d'
}

# Servers in windows and fake peers

# Open a new window running the shell command CMD in the holding session
# (created on first use; its windows stay after their command exits, so
# the exit status and last output can be read); print the pane id.
window() {
	if [ -z "$BC_HOLD" ]; then
		tmux_window hold cat >/dev/null
		tx set-option -g remain-on-exit on
		BC_HOLD=1
	fi
	tmux_window hold "$1"
}

# Start bootcon-server with extra ARGS on $SOCK as the command of a new
# window (exec'd by the pane's shell, so it is the session leader, as
# "bootcon start" runs it; $SERVER_WRAP, if set, is a command prefix such as
# setstate or setpriv; with SERVER_CHILD=1 it runs as a child of the pane's
# shell instead, whose session keeps the terminal as its controlling
# terminal); wait until it listens; set PANE, SPID (its pid) and PTY (the
# window's terminal).
start_server() {
	local ready cmd
	ready=$(mktemp "$T/ready.XXXXXX")
	cmd="${SERVER_WRAP:-} bootcon-server -s '$SOCK' -d 4 $* 4>'$ready'"
	if [ -n "${SERVER_CHILD:-}" ]; then
		PANE=$(window "$cmd; echo server ended; exec cat")
	else
		PANE=$(window "exec $cmd")
	fi
	wait_until "[ -s '$ready' ]" || {
		pane "$PANE" >&2
		return 1
	}
	SPID=$(pane_fmt "$PANE" '#{pane_pid}')
	[ -z "${SERVER_CHILD:-}" ] || SPID=$(pgrep -P "$SPID" -x bootcon-server)
	PTY=$(pane_fmt "$PANE" '#{pane_tty}')
}

# Start bootcon-server with extra ARGS on $SOCK in the background on a pty
# of its own (ptyrun, which exits with the server's status and copies its
# window to $T/pty.out); wait until it listens; set PRPID (ptyrun's pid),
# SPID and PTY.
pty_server() {
	local ready
	ready=$(mktemp "$T/ready.XXXXXX")
	ptyrun -p "$T/spid" bootcon-server -s "$SOCK" -d 4 "$@" \
		</dev/null >"$T/pty.out" 2>&1 4>"$ready" 3>&- &
	PRPID=$!
	track "$PRPID"
	wait_until "[ -s '$ready' ]" || {
		cat "$T/pty.out" >&2
		return 1
	}
	SPID=$(cat "$T/spid")
	track "$SPID"
	PTY=$(readlink "/proc/$SPID/fd/0")
	export PTY
}

# Start fakeserver MODE on $SOCK (or on SOCKET given as a second argument)
# in the background, logging to $T/fs.log; wait until it listens; set FSPID.
# With FAKE_WRAP=ptyrun it runs on a terminal of its own (ptyrun), and both
# pids are tracked.
fake_server() {
	local ready wrap=()
	ready=$(mktemp "$T/ready.XXXXXX")
	[ "${FAKE_WRAP:-}" != ptyrun ] || wrap=(ptyrun -p "$T/fake.pid")
	"${wrap[@]}" fakeserver -s "${2:-$SOCK}" -d 4 "$1" </dev/null >"$T/fs.log" 2>&1 4>"$ready" 3>&- &
	FSPID=$!
	track "$FSPID"
	wait_until "[ -s '$ready' ]" || return 1
	[ ! -s "$T/fake.pid" ] || track "$(cat "$T/fake.pid")"
}

# fdprobe reports and files

# Fail if FILE has a line matching the ERE PATTERN.
file_lacks() {
	output_lacks "cat '$1'" "$2"
}

# Assert that the file FILE has exactly N lines.
lines_are() {
	local n
	n=$(wc -l <"$1")
	if [ "$n" -ne "$2" ]; then
		echo "expected $2 lines in $1, got $n:" >&2
		cat "$1" >&2
		return 1
	fi
}

# Print the value of KEY (the rest of the line) in the fdprobe report FILE.
probe() {
	sed -n "s/^$2 //p" "$1"
}

# Assert that fdprobe report FILE says KEY has exactly VALUE.
probe_is() {
	local got
	got=$(probe "$1" "$2")
	if [ "$got" != "$3" ]; then
		echo "fdprobe $2: expected '$3', got '$got'" >&2
		echo "--- $1:" >&2
		cat "$1" >&2
		return 1
	fi
}

# Assert that report FILE shows exactly fds 0, 1, 2 on terminal TTY, blocking,
# with no blocked or ignored signal.
probe_window_stdio() {
	probe_is "$1" openfds "0 1 2" &&
		probe_is "$1" "fd 0" "$2" &&
		probe_is "$1" "fd 1" "$2" &&
		probe_is "$1" "fd 2" "$2" &&
		probe_is "$1" "fds 0 1 2" same-tty &&
		probe_is "$1" fd0 rdwr &&
		probe_is "$1" nonblock none &&
		probe_is "$1" sigmask empty &&
		probe_is "$1" sigign none
}

# End the fdprobe -w (pid PID) that holds $PANE with ^D; assert that it
# exited 0, that the window said so, and that the window serves again.
end_and_serve_again() {
	tx send-keys -t "$PANE" C-d &&
		reap "$1" &&
		[ "$ST" -eq 0 ] &&
		wait_pane "$PANE" "^bootcon: pid $1 \\(fdprobe\\) exited" &&
		bootcon-exec -t 10 -s "$SOCK" -- fdprobe -o "$T/probe" &&
		probe_window_stdio "$T/probe" "$PTY"
}

# The bootcon command

# Run the bootcon command (under sh, i.e. dash on Debian).
bootcon() {
	sh "$BOOTCON" "$@" 3>&-
}

# Run bootcon exec SOCKET PROG ARG... in the background, stdio on /dev/null
# (stderr to $T/exec.err); BG is its pid, tracked.
bg_exec() {
	local sock=$1
	shift
	bg /dev/null /dev/null "$T/exec.err" sh "$BOOTCON" exec -s "$sock" -t 10 -- "$@"
	disown "$BG"
}

# A program to hand a console to: writes its pid to $1, says "prog ready",
# echoes one typed line as "prog got: LINE", then waits for another line.
make_prog() {
	cat >"$T/prog" <<'EOF'
#!/bin/sh
echo $$ >"$1.tmp" && mv "$1.tmp" "$1"
echo "prog ready on ${2:-?}"
read -r line
echo "prog got: $line"
read -r line
EOF
	chmod +x "$T/prog"
}

# Start consoles @..-1 and @..-2 with prog on each; S1 and S2 are their names.
two_consoles() {
	S1=$(bc_sock 1) S2=$(bc_sock 2)
	run -0 bootcon start -s "$S1"
	run -0 bootcon start -s "$S2"
	bg_exec "$S1" "$T/prog" "$T/pid1" one
	wait_pane "=bootcon:0" 'prog ready on one'
	bg_exec "$S2" "$T/prog" "$T/pid2" two
	wait_pane "=bootcon:1" 'prog ready on two'
}

# The line of `bootcon list` for socket NAME.
list_line() {
	bootcon list | awk -F '\t' -v n="$1" '$1 == n'
}

# A directory of links to the usual tools, without the commands named.
path_without() {
	local d=$T/bin c p
	mkdir -p "$d"
	for c in sh dash bash cat date grep sed awk head tail tr mkfifo mktemp rm \
	    timeout sleep readlink tmux screen env ls dirname mv chmod mkdir; do
		case " $* " in *" $c "*) continue ;; esac
		p=$(command -v "$c") && ln -sf "$p" "$d/$c"
	done
	echo "$d"
}

# Other uids

# A command prefix, and a function, running a command as uid/gid 65534
# (nobody) with no supplementary groups.
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
nobody() {
	# shellcheck disable=SC2086 # a command and its options
	$NOBODY "$@"
}

# As root: let uid 65534 reach the programs (copies in $T/bin when the
# checkout is not theirs to read) and write in $T/pub.
other_uid_setup() {
	chmod 755 "$T"
	mkdir -m 1777 "$T/pub"
	chmod 1777 "$T/pub"
	if ! nobody sh -c 'command -v bootcon-exec && command -v fdprobe' >/dev/null 2>&1; then
		mkdir -m 755 "$T/bin"
		cp "$ROOT"/c/bootcon-exec "$ROOT"/c/bootcon-server "$ROOT"/tests/helpers/* "$T/bin/"
		chmod 755 "$T"/bin/*
		PATH="$T/bin:$PATH"
	fi
}
