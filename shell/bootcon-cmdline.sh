# shellcheck shell=sh
# The bootcon.* settings of the kernel command line, read in one place for
# bootcon-init and the initramfs's init-top script (both source this file;
# the kernel passes words with a dot neither as arguments nor as
# environment to init).
#
#   bootcon=off              bc_off=1 (also 0, no, false; any other value: on)
#   bootcon.mux=tmux|screen  bc_mux
#   bootcon.socket=NAME      bc_socket
#   bootcon.init=PATH        bc_init
#   bootcon.timeout=SECONDS  bc_timeout_arg, for bootcon-exec to judge
#   bootcon.mirror=off       bc_mirror empty (else 1)
#   bootcon.log=off          bc_log empty (else 1): no boot transcript
#
# bootcon_cmdline [FILE]: read FILE (default /proc/cmdline) and set the
# variables above, keeping the caller's value of a setting not given; a
# value it cannot use is reported with the caller's say() and ignored.
# shellcheck disable=SC2034 # the settings are the caller's variables
bootcon_cmdline() {
	bk_line=
	read -r bk_line <"${1:-/proc/cmdline}" 2>/dev/null
	set -f
	# shellcheck disable=SC2086 # split into words on purpose
	set -- $bk_line
	set +f
	for bk_word; do
		bk_val=${bk_word#*=}
		bk_val=${bk_val#\"}
		bk_val=${bk_val%\"}
		case $bk_word in
		bootcon=off | bootcon=0 | bootcon=no | bootcon=false) bc_off=1 ;;
		bootcon=*) bc_off= ;;
		bootcon.mux=*)
			case $bk_val in
			tmux | screen) bc_mux=$bk_val ;;
			*) say "ignoring bootcon.mux=$bk_val (tmux or screen)" ;;
			esac
			;;
		bootcon.socket=?*) bc_socket=$bk_val ;;
		bootcon.init=?*) bc_init=$bk_val ;;
		bootcon.timeout=*) bc_timeout_arg=$bk_val ;;
		bootcon.mirror=off | bootcon.mirror=0 | bootcon.mirror=no) bc_mirror= ;;
		bootcon.mirror=*) bc_mirror=1 ;;
		bootcon.log=off | bootcon.log=0 | bootcon.log=no) bc_log= ;;
		bootcon.log=*) bc_log=1 ;;
		esac
	done
}
