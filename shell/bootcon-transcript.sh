# shellcheck shell=sh
# Where a console's transcript is kept and the command that keeps it,
# sourced by bootcon and the tmux key's script, so that both agree:
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
