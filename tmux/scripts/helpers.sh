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

# shellcheck source=shell/bootcon-find.sh
. "$PLUGIN_DIR/../shell/bootcon-find.sh"
# shellcheck source=shell/bootcon-transcript.sh
. "$PLUGIN_DIR/../shell/bootcon-transcript.sh"

# Find helper NAME (bootcon-server, bootcon-log) as bootcon does
# (bootcon-find.sh), with @bootcon-bin in place of $BOOTCON_BIN when set,
# and never the tmux server's PATH: the repository's build (c/), else
# PREFIX/bin for an installed plugin in PREFIX/share/bootcon.
find_helper() {
	bin=$(get_tmux_option @bootcon-bin "")
	case $bin in \~/*) bin=$HOME/${bin#\~/} ;; esac
	[ -z "$bin" ] || BOOTCON_BIN=$bin
	BOOTCON_FIND_PATH=no
	bootcon_find "$1" "$PLUGIN_DIR/../c" "$PLUGIN_DIR/../../../bin" &&
		printf '%s\n' "$REPLY"
}
