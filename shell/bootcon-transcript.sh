# shellcheck shell=sh
# Where a console's transcript is kept and the command that keeps it,
# sourced by bootcon and the tmux and screen keys' scripts, so that all
# agree:
#
#   the directory: $BOOTCON_LOG_DIR, else /run/bootcon/log for root (the
#     boot's; bootcon log --save continues it in /var/log/bootcon), else
#     $XDG_STATE_HOME/bootcon (~/.local/state/bootcon);
#   the file: the socket's name with each / as _, then .log; bootcon-log
#     starts a new one past $BOOTCON_LOG_MAX (default 4M), keeping one
#     older as FILE.1;
#   its warnings (a full disk): $BOOTCON_LOG_WARN, else the kernel's log
#     for root, else nowhere.

# bootcon_log_file SOCKET: the transcript's file, in REPLY.
bootcon_log_file() {
	bl_name=$1
	while :; do
		case $bl_name in
		*/*) bl_name=${bl_name%%/*}_${bl_name#*/} ;;
		*) break ;;
		esac
	done
	REPLY=${BOOTCON_LOG_DIR:-}
	if [ -z "$REPLY" ]; then
		if [ "$(id -u)" = 0 ]; then
			REPLY=/run/bootcon/log
		else
			REPLY=${XDG_STATE_HOME:-${HOME:-}/.local/state}/bootcon
		fi
	fi
	case $REPLY in /*) ;; *) REPLY=$PWD/$REPLY ;; esac
	REPLY=$REPLY/$bl_name.log
}

# bootcon_log_command BOOTCON-LOG SOCKET: the shell command for the
# multiplexer's copy of the window (tmux pipe-pane) that keeps SOCKET's
# transcript with helper BOOTCON-LOG, in REPLY; false with the reason in
# REPLY when the file cannot be written (the console starts without it).
bootcon_log_command() {
	bl_quote "$1"
	bl_cmd="exec $REPLY -w"
	bootcon_log_file "$2"
	if ! (umask 077 && mkdir -p "${REPLY%/*}" && : >>"$REPLY") 2>/dev/null; then
		REPLY="unable to write $REPLY"
		return 1
	fi
	bl_quote "$REPLY"
	bl_cmd="$bl_cmd $REPLY"
	bl_quote "${BOOTCON_LOG_MAX:-4M}"
	bl_cmd="$bl_cmd -m $REPLY"
	REPLY=${BOOTCON_LOG_WARN:-}
	if [ -z "$REPLY" ]; then
		REPLY=/dev/null
		[ "$(id -u)" != 0 ] || [ ! -w /dev/kmsg ] || REPLY=/dev/kmsg
	fi
	bl_quote "$REPLY"
	REPLY="$bl_cmd 2>>$REPLY"
}

# bootcon_log_fifo BOOTCON-LOG SOCKET: start keeping SOCKET's transcript
# from a FIFO beside it, for screen, which has no per-window pipe but logs a
# window into a file it names (-L -Logfile, or logfile and -L), flushing
# each write with "logfile flush 0".  BOOTCON-LOG, orphaned so that nobody
# waits for it, holds the FIFO open before screen opens it (or screen
# would wait) and ends when screen closes it.  The FIFO's path in REPLY and
# BOOTCON-LOG's pid in BL_PID; false with the reason in REPLY.
bootcon_log_fifo() {
	BL_PID=
	bootcon_log_command "$1" "$2" || return 1
	bl_run=$REPLY
	bootcon_log_file "$2"
	bl_fifo=${REPLY%.log}.fifo
	# screen expands % in the name, and its parser \ $ ^ and quotes.
	case $bl_fifo in
	*[%\\\$^\"\'[:space:]]*)
		REPLY="screen cannot log to $bl_fifo"
		return 1
		;;
	esac
	rm -f "$bl_fifo"
	if ! (umask 077 && mkfifo "$bl_fifo") 2>/dev/null; then
		REPLY="unable to make $bl_fifo"
		return 1
	fi
	bl_quote "$bl_fifo"
	# Only its own fds: a caller's readiness channel must see its end.
	BL_PID=$(sh -c "$bl_run -i $REPLY </dev/null >/dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- & echo \$!")
	bl_n=0
	until [ "$(readlink "/proc/$BL_PID/fd/0" 2>/dev/null)" = "$bl_fifo" ]; do
		if [ "$bl_n" -ge 250 ] || ! kill -0 "$BL_PID" 2>/dev/null; then
			bootcon_log_fifo_drop
			REPLY="bootcon-log did not start"
			return 1
		fi
		sleep 0.02 2>/dev/null || sleep 1
		bl_n=$((bl_n + 1))
	done
	REPLY=$bl_fifo
}

# Stop what bootcon_log_fifo started (screen never opened the FIFO).
bootcon_log_fifo_drop() {
	[ -z "$BL_PID" ] || kill "$BL_PID" 2>/dev/null
	rm -f "$bl_fifo"
	BL_PID=
}

# STRING as one sh word (single quotes), in REPLY.
bl_quote() {
	REPLY='' bl_q=$1
	while :; do
		case $bl_q in
		*\'*) REPLY="$REPLY${bl_q%%\'*}'\\''" bl_q=${bl_q#*\'} ;;
		*) break ;;
		esac
	done
	REPLY="'$REPLY$bl_q'"
}
