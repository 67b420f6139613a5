#!/usr/bin/env bats
# make install / uninstall under a private PREFIX: the installed command, tmux
# plugin and screen snippet find the installed helpers, never the checkout's.

load test_helper

setup() {
	bc_setup
	P=$T/p
	make -s -C "$ROOT" install PREFIX="$P" >"$T/install.log" 2>&1 ||
		{ cat "$T/install.log" >&2; return 1; }
	# Only the system's directories: nothing of the checkout on PATH.
	CLEANPATH=/usr/sbin:/usr/bin:/sbin:/bin
}

teardown() {
	bc_teardown
}

@test "make install puts every part under PREFIX, and uninstall removes them all" {
	for f in bin/bootcon bin/bootcon-server bin/bootcon-exec bin/bootcon-mirror \
	    bin/bootcon-log sbin/bootcon-init lib/bootcon/bootcon-server \
	    lib/bootcon/bootcon-exec lib/bootcon/bootcon-mirror lib/bootcon/bootcon-log \
	    share/bootcon/shell/bootcon-find.sh share/bootcon/shell/bootcon-cmdline.sh \
	    share/bootcon/shell/bootcon-transcript.sh share/man/man1/bootcon-log.1 \
	    share/man/man8/bootcon-init.8 \
	    lib/systemd/system/bootcon-log.service \
	    lib/systemd/system/bootcon-rescue-ssh.service \
	    lib/systemd/system-generators/bootcon-generator \
	    share/initramfs-tools/hooks/bootcon share/initramfs-tools/scripts/init-top/bootcon \
	    share/initramfs-tools/scripts/panic/bootcon \
	    share/initramfs-tools/scripts/init-bottom/bootcon share/bootcon/boot.tmux.conf \
	    share/man/man1/bootcon.1 share/man/man1/bootcon-server.1 \
	    share/man/man1/bootcon-exec.1 share/bootcon/bootcon.tmux \
	    share/bootcon/tmux/scripts/new-console.sh \
	    share/bootcon/screen/bootcon.screenrc \
	    share/bash-completion/completions/bootcon; do
		[ -e "$P/$f" ] || { echo "missing $P/$f" >&2; return 1; }
	done
	[ -x "$P/bin/bootcon" ] && [ -x "$P/bin/bootcon-exec" ]
	# The boot's helpers are the static builds, and bootcon-init runs them.
	for f in bootcon-server bootcon-exec bootcon-mirror bootcon-log; do
		file -L "$P/lib/bootcon/$f" | grep -q 'statically linked'
	done
	# The transcript's unit runs the installed bootcon; the generator pulls
	# the installed unit in.
	grep -qx "ExecStart=$P/bin/bootcon log --save" "$P/lib/systemd/system/bootcon-log.service"
	grep -qx "UNITDIR=$P/lib/systemd/system" "$P/lib/systemd/system-generators/bootcon-generator"
	grep -qx "BOOTCON_BIN=\${BOOTCON_BIN:-$P/lib/bootcon}" "$P/sbin/bootcon-init"
	grep -qx "BOOTCON_CMD=$P/bin/bootcon" "$P/sbin/bootcon-init"
	# The hook copies the installed helpers into the initramfs.
	grep -qx "BOOTCON_LIBEXEC=$P/lib/bootcon" "$P/share/initramfs-tools/hooks/bootcon"
	grep -qx "BOOTCON_CMD=$P/bin/bootcon" "$P/share/initramfs-tools/hooks/bootcon"
	grep -qx "BOOTCON_BOOT_CONF=$P/share/bootcon/boot.tmux.conf" "$P/share/initramfs-tools/hooks/bootcon"
	grep -qx "BOOTCON_BOOT_CONF=$P/share/bootcon/boot.tmux.conf" "$P/sbin/bootcon-init"
	run -0 make -s -C "$ROOT" uninstall PREFIX="$P"
	run -0 find "$P" -type f
	[ -z "$output" ]
}

@test "the installed bootcon starts, hands out and stops a console with the installed helpers" {
	local sock
	sock=$(bc_sock)
	run -0 env PATH="$CLEANPATH" "$P/bin/bootcon" start -s "$sock" 3>&-
	[ "$output" = "$sock" ]
	# The window runs the installed server, not the checkout's.
	run -0 tx list-panes -a -F '#{pane_pid}'
	[ "$(readlink "/proc/${lines[0]}/exe")" = "$P/bin/bootcon-server" ]
	env PATH="$CLEANPATH" "$P/bin/bootcon" exec -s "$sock" -- sh -c 'echo installed-ok; read -r x' \
		</dev/null >/dev/null 2>"$T/exec.err" 3>&- &
	track $!
	wait_pane "=bootcon:" '^installed-ok'
	run -0 env PATH="$CLEANPATH" "$P/bin/bootcon" stop -s "$sock"
	wait_until "! listening '$sock'"
}

@test "the installed tmux plugin binds its key to the installed script" {
	tx new-session -d -s plug 'sleep 1000'
	tx run-shell "$P/share/bootcon/bootcon.tmux"
	run -0 tx list-keys -T prefix B
	[[ "$output" == *"$P/share/bootcon/tmux/scripts/new-console.sh"* ]]
}

@test "the installed screen snippet runs the installed helper" {
	run -0 grep -F "$P/share/bootcon/screen/bootcon-screen.sh" "$P/share/bootcon/screen/bootcon.screenrc"
	run -0 grep "^BOOTCON_BIN=.*$P/bin" "$P/share/bootcon/screen/bootcon-screen.sh"
}
