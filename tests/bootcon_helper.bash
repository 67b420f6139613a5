# shellcheck shell=bash
# Shared set-up of the bootcon command, tmux plugin and screen snippet suites
# (bootcon*.bats, tmux*.bats, screen*.bats).  Load after test_helper.
# Every server lives in private dirs (TMUX_TMPDIR, SCREENDIR, HOME) and is
# killed in bt_teardown; background processes start with fd 3 closed.

# Per-test set-up: private dirs, bootcon's tmux server = the test's (tx).
bt_setup() {
	bc_private_dirs
	T=$BC_TMP
	export T
	export BOOTCON_TMUX_SERVER="bct$$"
	export SYSSCREENRC=/dev/null
	unset BOOTCON_BIN BOOTCON_TMUX_CONF BOOTCON_TIMEOUT
	BOOTCON=$ROOT/shell/bootcon
	BT_PIDS=
	BT_USER=
}

bt_teardown() {
	local p
	for p in $BT_PIDS; do
		kill -KILL "$p" 2>/dev/null || true
	done
	[ -z "$BT_USER" ] || tmux -L "$BT_USER" kill-server 3>&- 2>/dev/null || true
	bc_cleanup
}

# Run the bootcon command (under sh, i.e. dash on Debian).
bootcon() {
	sh "$BOOTCON" "$@" 3>&-
}

# Run bootcon exec SOCKET PROG ARG... in the background, stdio on /dev/null,
# fd 3 closed; BG is its pid.
bg_exec() {
	local sock=$1
	shift
	sh "$BOOTCON" exec -s "$sock" -t 10 -- "$@" </dev/null >/dev/null 2>"$T/exec.err" 3>&- &
	BG=$!
	disown "$BG"
	BT_PIDS="$BT_PIDS $BG"
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

# Succeed if a socket named NAME (@abstract or path) is bound.
listening() {
	awk -v n="$1" '$8 == n { f = 1 } END { exit !f }' /proc/net/unix
}

# The line of `bootcon list` for socket NAME.
list_line() {
	bootcon list | awk -F '\t' -v n="$1" '$1 == n'
}

# The windows of the tmux session (exact name) as "index name" lines.
tmux_windows() {
	tx list-windows -t "=$1" -F '#{window_index} #{window_name}'
}

# Print screen window WINDOW of session SESSION (polling: hardcopy is
# written asynchronously).
screen_text() {
	local f=$T/hardcopy.$$ n=0
	rm -f "$f"
	screen -S "$1" -p "$2" -X hardcopy "$f" || return 1
	while [ ! -e "$f" ] && [ "$n" -lt 250 ]; do
		sleep 0.02
		n=$((n + 1))
	done
	cat "$f" 2>/dev/null
}

# Wait until screen window WINDOW of SESSION shows text matching PATTERN.
wait_screen() {
	if ! wait_until "screen_text '$1' '$2' | grep -Eq -- '$3'" "${4:-10}"; then
		echo "--- screen $1 window $2:" >&2
		screen_text "$1" "$2" >&2
		return 1
	fi
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

# Succeed if process PID has ended (no such process, or a zombie).
exited() {
	local state
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || true
	[ -z "$state" ] || [ "$state" = Z ]
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
# (TMUX_TMPDIR=$T, from bt_setup); another run's processes never do.
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
