# shellcheck shell=bash
# Common set-up for bootcon's bats suites: paths, a clean environment,
# private tmux/screen servers and waits with deadlines (never fixed sleeps).

bats_require_minimum_version 1.5.0

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
PATH="$ROOT/c:$ROOT/shell:$ROOT/tests/helpers:$PATH"
export PATH ROOT
unset BOOTCON_SOCKET BOOTCON_MUX BOOTCON_SESSION TMUX TMUX_PANE STY WINDOW

# A short private directory for tmux and screen sockets (sun_path is 108 bytes).
bc_private_dirs() {
	BC_TMP=$(mktemp -d /tmp/bc.XXXXXX)
	export TMUX_TMPDIR="$BC_TMP"
	export SCREENDIR="$BC_TMP/s"
	mkdir -m 700 "$SCREENDIR"
	export HOME="$BC_TMP"
}

# A socket name unique to this test run.
bc_sock() {
	echo "@bct-$$-${BATS_TEST_NUMBER:-0}-${1:-0}"
}

# Run tmux against the private test server (never the user's).
tx() {
	tmux -L "bct$$" -f /dev/null "$@" 3>&-
}

# Kill the private tmux server and screen sessions, and remove the scratch dir.
bc_cleanup() {
	tmux -L "bct$$" kill-server 3>&- 2>/dev/null || true
	if [ -n "${SCREENDIR:-}" ] && [ -d "$SCREENDIR" ]; then
		for s in "$SCREENDIR"/*; do
			[ -e "$s" ] && screen -S "${s##*/}" -X quit 2>/dev/null
		done
	fi
	[ -n "${BC_TMP:-}" ] && rm -rf "$BC_TMP"
	return 0
}

# Wait until CMD (a shell string) succeeds, for at most SECONDS (default 10).
wait_until() {
	local secs=${2:-10} end
	end=$(($(date +%s%N) / 1000000 + secs * 1000))
	while ! eval "$1"; do
		if [ $(($(date +%s%N) / 1000000)) -ge "$end" ]; then
			echo "timed out after ${secs}s waiting for: $1" >&2
			return 1
		fi
		sleep 0.02
	done
}

# Wait until the tmux pane TARGET shows text matching the ERE PATTERN.
wait_pane() {
	local target=$1 pattern=$2 secs=${3:-10}
	if ! wait_until "tx capture-pane -p -J -S - -t '$target' 2>/dev/null | grep -Eq -- '$pattern'" "$secs"; then
		echo "--- pane $target:" >&2
		tx capture-pane -p -J -S - -t "$target" >&2 2>/dev/null
		return 1
	fi
}

# Print the contents of the tmux pane TARGET.
pane() {
	tx capture-pane -p -J -S - -t "$1"
}

# Start a detached private tmux session SESSION running CMD in its first
# window, and print the pane id.
tmux_window() {
	local session=$1
	shift
	tx new-session -d -x 100 -y 30 -s "$session" -P -F '#{pane_id}' "$@"
}
