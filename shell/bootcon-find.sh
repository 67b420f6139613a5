# shellcheck shell=sh
# bootcon's helper search, sourced by bootcon, bootcon-init, the tmux key's
# script and the screen key's script, so that all look in one order:
#
#   1. $BOOTCON_BIN when set (make install sets it in each script): there
#      and nowhere else;
#   2. else each DIR given, in order (the caller's build-tree and installed
#      neighbours);
#   3. else $PATH, unless BOOTCON_FIND_PATH=no (the tmux key: never the tmux
#      server's PATH).
#
# bootcon_find NAME [DIR]...: an executable regular file NAME, its absolute
# path in REPLY; false (REPLY empty) when there is none.
bootcon_find() {
	bf_name=$1
	shift
	[ -z "${BOOTCON_BIN:-}" ] || set -- "$BOOTCON_BIN"
	for bf_dir; do
		REPLY=$bf_dir/$bf_name
		case $REPLY in /*) ;; *) REPLY=$PWD/$REPLY ;; esac
		[ -f "$REPLY" ] && [ -x "$REPLY" ] && return 0
	done
	REPLY=
	[ -z "${BOOTCON_BIN:-}" ] && [ "${BOOTCON_FIND_PATH:-}" != no ] || return 1
	bf_ifs=$IFS
	IFS=:
	for bf_dir in ${PATH:-/usr/local/bin:/usr/bin:/bin}; do
		REPLY=${bf_dir:-.}/$bf_name
		case $REPLY in /*) ;; *) REPLY=$PWD/$REPLY ;; esac
		if [ -f "$REPLY" ] && [ -x "$REPLY" ]; then
			IFS=$bf_ifs
			return 0
		fi
	done
	IFS=$bf_ifs
	REPLY=
	return 1
}
