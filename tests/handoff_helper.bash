# shellcheck shell=bash
# Shared set-up of the hand-off suites (handoff, hostile-*, exec-*, server-*,
# root): a scratch dir, servers in private tmux windows, hostile peers and
# fdprobe reports.  Load after test_helper.  Every background process is
# started with fd 3 closed and killed by pid in hh_teardown.

# Per-test set-up: private tmux dirs, a unique socket name, no tracked pids.
hh_setup() {
	bc_private_dirs
	T=$BC_TMP
	SOCK=$(bc_sock)
	HH_PIDS=
	HH_HOLD=
	export T SOCK
}

# Per-test teardown: kill what the test started (by pid), then tmux and files.
hh_teardown() {
	local p
	for p in $HH_PIDS; do
		kill -KILL "$p" 2>/dev/null || true
	done
	bc_cleanup
}

# Remember PID so that teardown kills it.
hh_track() {
	HH_PIDS="$HH_PIDS $1"
}

# Milliseconds since the epoch.
ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Run CMD in the background with stdin from IN, stdout to OUT, stderr to ERR
# and fd 3 closed; set BG to its pid and track it.
bg() {
	local in=$1 out=$2 err=$3
	shift 3
	"$@" <"$in" >"$out" 2>"$err" 3>&- &
	BG=$!
	hh_track "$BG"
}

# Wait (at most SECONDS, default 10) for the background process PID to end
# and set ST to its exit status.
reap() {
	ST=0
	wait_until "! alive $1" "${2:-10}" || return 1
	wait "$1" || ST=$?
	export ST
}

# Open a new window running the shell command CMD in the holding session
# (created on first use; its windows stay after their command exits, so
# the exit status and last output can be read); print the pane id.
window() {
	if [ -z "$HH_HOLD" ]; then
		tmux_window hold cat >/dev/null
		tx set-option -g remain-on-exit on
		HH_HOLD=1
	fi
	tx new-window -d -t hold: -P -F '#{pane_id}' "$1"
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
	hh_track "$PRPID"
	wait_until "[ -s '$ready' ]" || {
		cat "$T/pty.out" >&2
		return 1
	}
	SPID=$(cat "$T/spid")
	hh_track "$SPID"
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
	hh_track "$FSPID"
	wait_until "[ -s '$ready' ]" || return 1
	[ ! -s "$T/fake.pid" ] || hh_track "$(cat "$T/fake.pid")"
}

# Wait until FILE has a line matching the ERE PATTERN.
wait_file() {
	if ! wait_until "grep -Eq -- '$2' '$1' 2>/dev/null" "${3:-10}"; then
		echo "--- $1:" >&2
		cat "$1" >&2 2>/dev/null
		return 1
	fi
}

# Fail if pane PANE shows text matching the ERE PATTERN (a bare "! cmd"
# would not fail a bats test).
pane_lacks() {
	if pane "$1" | grep -Eq -- "$2"; then
		echo "pane $1 unexpectedly shows '$2':" >&2
		pane "$1" >&2
		return 1
	fi
}

# Fail if FILE has a line matching the ERE PATTERN.
file_lacks() {
	if grep -Eq -- "$2" "$1"; then
		echo "$1 unexpectedly has '$2':" >&2
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

# Succeed if process PID exists (and is not a zombie).
alive() {
	local state
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}

# Skip the test unless running as root.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (other uids, namespaces)"
}
