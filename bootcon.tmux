#!/bin/sh
# TPM runs every *.tmux file at the top of a plugin: this runs the plugin.
exec "$(dirname -- "$0")/tmux/bootcon.tmux" "$@"
