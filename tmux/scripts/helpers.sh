# shellcheck shell=sh
# Shared by the bootcon tmux plugin's scripts.

# Print global option NAME, or DEFAULT when it is not set at all (a value
# set to the empty string stays empty).
get_tmux_option() {
	if v=$(tmux show-option -gv "$1" 2>/dev/null); then
		printf '%s\n' "$v"
	else
		printf '%s\n' "$2"
	fi
}

# Quote a string for sh.
shquote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# Show MESSAGE on the client that pressed the key (tmux hides our output).
display() {
	m=$1
	case $m in *'#'*) m=$(printf '%s' "$m" | sed 's/#/##/g') ;; esac
	if [ -n "${client:-}" ]; then
		tmux display-message -c "$client" "$m"
	else
		tmux display-message "$m"
	fi
}

# Find bootcon-server: in @bootcon-bin when set, else in $BOOTCON_BIN
# (set at install), the repository's build (c/), or PREFIX/bin for an
# installed plugin in PREFIX/share/bootcon.  Never the tmux server's PATH.
find_server() {
	bin=$(get_tmux_option @bootcon-bin "")
	case $bin in \~/*) bin=$HOME/${bin#\~/} ;; esac
	if [ -n "$bin" ]; then
		set -- "$bin"
	elif [ -n "${BOOTCON_BIN:-}" ]; then
		set -- "$BOOTCON_BIN"
	else
		set -- "$PLUGIN_DIR/../c" "$PLUGIN_DIR/../../../bin"
	fi
	for d; do
		if [ -f "$d/bootcon-server" ] && [ -x "$d/bootcon-server" ]; then
			case $d in
			/*) printf '%s\n' "$d/bootcon-server" ;;
			*) printf '%s\n' "$PWD/$d/bootcon-server" ;;
			esac
			return 0
		fi
	done
	return 1
}
