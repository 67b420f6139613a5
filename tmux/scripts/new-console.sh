#!/bin/sh
# Run by the bootcon key through run-shell -b, with the client that pressed
# it and its session:  new-console.sh CLIENT SESSION
# Opens a window running bootcon-server on @bootcon-<tmux pid>-<pane number>,
# waits until it listens, stores the name in the window option
# @bootcon-socket and shows it.  Errors go to display-message.

# Where bootcon-server is, when installed; `make install` rewrites this line.
BOOTCON_BIN=${BOOTCON_BIN:-}
PLUGIN_DIR=$(cd -- "$(dirname -- "$0")/.." && pwd)
# shellcheck source=tmux/scripts/helpers.sh
. "$PLUGIN_DIR/scripts/helpers.sh"

client=${1:-}
session=${2:-}
NL='
'

if ! server=$(find_helper bootcon-server); then
	display "bootcon: bootcon-server not found: build bootcon (make) or set @bootcon-bin"
	exit 0
fi
if [ -z "$session" ]; then
	display "bootcon: usage: new-console.sh CLIENT SESSION"
	exit 0
fi

umask 077
tmpd=$(mktemp -d "${TMPDIR:-/tmp}/bootcon.XXXXXX") || {
	display "bootcon: unable to create a temporary directory"
	exit 0
}
trap 'rm -rf "$tmpd"' EXIT
fifo=$tmpd/ready
mkfifo "$fifo" || { display "bootcon: unable to create a FIFO"; exit 0; }

# The window's command computes its socket name from $TMUX (server pid) and
# $TMUX_PANE, then becomes bootcon-server (same pid: the window's process),
# which writes a newline to the FIFO once it listens.  The options are set in
# the same round trip: the new window is its session's current window.
# shellcheck disable=SC2016
serve='exec 3>"$1" || exit 111; t=${TMUX%,*}; exec "$0" -s "@bootcon-${t##*,}-${TMUX_PANE#%}" -d 3'
if ! pane=$(tmux new-window -t "$session:" -c / -n bootcon -P -F '#{pane_id}' \
    /bin/sh -c "$serve" "$server" "$fifo" \; \
    set -w -t "$session:" remain-on-exit failed \; \
    set -wF -t "$session:" @bootcon-socket '@bootcon-#{pid}-#{s/%//:pane_id}' \
    2>"$tmpd/err"); then
	display "bootcon: tmux: $(head -n 1 "$tmpd/err")"
	exit 0
fi
name=$(tmux show-options -wv -t "$pane" @bootcon-socket 2>/dev/null)

# The transcript (@bootcon-log on): tmux's copy of the window, made before
# anyone is told its name, so from the first byte a program writes there.
note=
case $(get_tmux_option @bootcon-log off) in
on | yes | 1)
	if ! log=$(find_helper bootcon-log); then
		note="; no transcript: bootcon-log not found"
	elif ! bootcon_log_command "$log" "$name"; then
		note="; no transcript: $REPLY"
	# pipe-pane expands formats in its command: # escaped (no , or }
	# outside a #{}).
	elif ! tmux pipe-pane -o -t "$pane" "$(printf '%s' "$REPLY" | sed 's/#/##/g')" \; \
	    set -w -t "$pane" @bootcon-log "$REPLY" 2>/dev/null; then
		note="; no transcript: tmux pipe-pane failed"
	fi
	;;
esac

# A newline once it listens, else its one-line report "CODE MESSAGE".
if command -v timeout >/dev/null 2>&1; then
	ready=$(timeout 10 cat "$fifo" 2>/dev/null; echo " $?")
else
	ready=$(cat "$fifo"; echo " $?")
fi
if [ "$ready" = "$NL 0" ]; then
	display "bootcon: $name is waiting: bootcon exec -s $name PROG$note"
	exit 0
fi
report=${ready% *}
report=${report%"$NL"}

# It did not come up: close the window, show the server's report, else how
# it ended as tmux recorded it.
status=''
n=0
while [ -z "$report" ] && [ "$n" -lt 250 ]; do
	line=$(tmux list-panes -a -F '#{pane_id} #{pane_dead} #{pane_dead_status}' |
	    grep "^$pane ")
	case $line in
	'') break ;;
	"$pane 1 "?*) status=${line##* }; break ;;
	# tmux 3.3a sometimes never records the exit status: wait briefly.
	"$pane 1 "*) [ "$n" -lt 25 ] || break ;;
	*) [ "${ready##* }" = 0 ] || break ;;
	esac
	sleep 0.02 2>/dev/null || sleep 1
	n=$((n + 1))
done
tmux kill-window -t "$pane" 2>/dev/null
case $report in
[0-9]*' '*) display "bootcon: ${report#* }" ;;
*)
	if [ -n "$status" ]; then
		display "bootcon: bootcon-server exited with status $status"
	else
		display "bootcon: bootcon-server did not start listening on $name"
	fi
	;;
esac
