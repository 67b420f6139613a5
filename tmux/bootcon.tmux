#!/bin/sh
# bootcon tmux plugin: a key (prefix B; option @bootcon-key) opens a window
# running bootcon-server with a socket name unique to that window.
# Load it with TPM (set -g @plugin ...) or: run-shell /path/to/bootcon.tmux
#
# Options (set them before the plugin loads):
#   @bootcon-key        key(s) to bind, space-separated; default B; "none" or
#                       "" binds nothing.  A key you already bound is kept.
#   @bootcon-key-table  key table; default prefix
#   @bootcon-bin        directory holding bootcon-server (and bootcon-log)
#   @bootcon-log        on: each console keeps a transcript (bootcon log)
PLUGIN_DIR=$(cd -- "$(dirname -- "$0")" && pwd)
# shellcheck source=tmux/scripts/helpers.sh
. "$PLUGIN_DIR/scripts/helpers.sh"

main() {
	keys=$(get_tmux_option @bootcon-key B)
	table=$(get_tmux_option @bootcon-key-table prefix)
	script=$PLUGIN_DIR/scripts/new-console.sh
	cmd="$(shquote "$script") '#{client_name}' '#{session_id}'"
	set -f
	for key in $keys; do
		[ "$key" = none ] && continue
		# Never take over a key the user bound; rebinding our own is fine.
		bound=$(tmux list-keys -T "$table" "$key" 2>/dev/null)
		case $bound in
		''|*new-console.sh*) ;;
		*) continue ;;
		esac
		tmux bind-key -N "bootcon: open a console window" -T "$table" \
		    "$key" run-shell -b "$cmd"
	done
}

main
