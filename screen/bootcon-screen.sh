#!/bin/sh
# Run by the bootcon key of bootcon.screenrc as the program of a new screen
# window: names the console @bootcon-<screen pid>-<window number>, shows the
# name as the window title, and becomes bootcon-server (same pid, so the
# server is the window's process).

# Where bootcon-server is, when installed; `make install` rewrites this line.
BOOTCON_BIN=${BOOTCON_BIN:-}

here=$(cd -- "$(dirname -- "$0")" && pwd)

# Report a failure in the window itself and keep it until Enter is pressed
# (a message on screen's message line would keep the window open, dead,
# for as long as the message shows).
fail() {
	printf 'bootcon: %s\n' "$1" >&2
	if [ -n "${STY:-}" ] && [ -t 0 ]; then
		printf '[press Enter to close this window] ' >&2
		read -r _ || :
	fi
	exit "$2"
}

if [ -z "${STY:-}" ] || [ -z "${WINDOW:-}" ]; then
	fail "not run in a screen window (STY and WINDOW unset)" 100
fi

# shellcheck source=shell/bootcon-find.sh
. "$here/../shell/bootcon-find.sh" ||
    fail "$here/../shell/bootcon-find.sh is missing" 127
# As bootcon finds it: the repository's build (c/), else PREFIX/bin for an
# installed snippet in PREFIX/share/bootcon, else $PATH.
bootcon_find bootcon-server "$here/../c" "$here/../../../bin" ||
    fail "bootcon-server not found: build bootcon (make) or set BOOTCON_BIN" 127
server=$REPLY

name=@bootcon-${STY%%.*}-$WINDOW
# The title (screen -X, as an escape sequence could be flushed unread when
# the server starts); $name has nothing screen would expand.
screen -S "$STY" -p "$WINDOW" -X title "$name"

# A server that fails (the name in use, say) exits at once and its window
# closes: a watcher reads the server's readiness channel (-d 3), a newline
# once it listens or its one-line report "CODE MESSAGE", and shows the
# report on screen's message line.  The watcher is orphaned (not a child of
# the server), ignores the SIGHUP of the window's end, and screen's \ $ ^
# in the message are escaped.
watch() {
	trap '' HUP
	exec <"$1/ready" >/dev/null 2>&1
	rm -rf "$1"
	# A newline: it listens.  Else its report, or nothing (it died).
	if IFS= read -r line; then
		[ -n "$line" ] || exit 0
	fi
	case $line in
	[0-9]*' '*) m="bootcon: ${line#* }" ;;
	*) m="bootcon: bootcon-server exited before listening on $name" ;;
	esac
	m=$(printf '%s\n' "$m" | sed 's/[\\$^]/\\&/g')
	screen -S "$STY" -X echo "$m"
}
if d=$(mktemp -d "${TMPDIR:-/tmp}/bootcon-screen.XXXXXX" 2>/dev/null) &&
    mkfifo -m 600 "$d/ready" 2>/dev/null; then
	(watch "$d" &)
	exec 3>"$d/ready"
	exec "$server" -s "$name" -d 3
fi
[ -z "$d" ] || rm -rf "$d"
exec "$server" -s "$name"
