#!/usr/bin/env bats
# The distro test (tests/boot/distro, also `make distro-test`): a real
# Debian 12 root built with mmdebstrap, this build's Debian package
# installed with dpkg -i, booted under QEMU with systemd as the real init on a bootcon
# console (from init=, or from the initramfs with the initramfs-tools
# hook), and checked over SSH and the serial port.  The images are made
# once for the file; each test is one boot.  Skips with the reason when
# this machine cannot run it (not root, not x86_64, no QEMU).

setup_file() {
	export DISTRO_WORK="$BATS_FILE_TMPDIR/distro"
	run sh "$BATS_TEST_DIRNAME/boot/distro" prepare "$DISTRO_WORK" 3>&-
	printf '%s\n' "$output" >"$BATS_FILE_TMPDIR/prepare.log"
	export DISTRO_PREPARE_STATUS=$status
}

# Boot scenario NAME; print what the boot checked.
distro_boot() {
	if [ "$DISTRO_PREPARE_STATUS" -eq 77 ]; then
		skip "$(sed -n 's/^distro test: skipped: //p' "$BATS_FILE_TMPDIR/prepare.log" | tail -n 1)"
	fi
	if [ "$DISTRO_PREPARE_STATUS" -ne 0 ]; then
		cat "$BATS_FILE_TMPDIR/prepare.log"
		return 1
	fi
	run sh "$BATS_TEST_DIRNAME/boot/distro" boot "$DISTRO_WORK" "$1" 3>&-
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	# Every boot checked something, and reported nothing failed.
	[[ $output == *PASS* ]]
	[[ $output != *FAIL* ]]
}

@test "Debian with systemd, rw root: bootcon attach (forced command) shows the boot, the serial console too, a password prompt answered in the window" {
	distro_boot rw
}

@test "Debian with systemd, ro root: plain bootcon attach over SSH finds the console in /run/bootcon, with systemd's lines in its history" {
	distro_boot ro
}

@test "Debian with systemd, a missing fstab disk: emergency mode reached over SSH, the maintenance prompt answered in the window, serial keys reach it" {
	distro_boot emergency
}

@test "Debian with systemd and bootcon=off: the normal console, no bootcon console" {
	distro_boot off
}

@test "Debian with systemd, the console's server killed during the boot: multi-user on the normal console" {
	distro_boot killed
}

@test "Debian's initramfs with the hook: the console from the first boot script to systemd, both stages in its history" {
	distro_boot initramfs
}

@test "Debian's initramfs, a LUKS2 root: unlocked over SSH through dropbear-initramfs by typing into the window" {
	distro_boot luks
}

@test "Debian's initramfs, a LUKS2 root: cryptroot-unlock over dropbear keeps working beside the window" {
	distro_boot luks_cryptroot_unlock
}

@test "Debian's initramfs, a LUKS2 root: the prompt on the serial console too, and the passphrase typed there unlocks it" {
	distro_boot luks_serial
}

@test "Debian's initramfs, the root device missing: the (initramfs) shell answered over SSH and from the serial console" {
	distro_boot noroot
}

@test "Debian's initramfs with the hook and bootcon=off: the normal console" {
	distro_boot initramfs_off
}

@test "Debian's initramfs made without tmux: the normal console, with the reason on it" {
	distro_boot initramfs_notmux
}

@test "Debian's initramfs, the console's server killed there: the real root on the normal console, with the reason on it" {
	distro_boot initramfs_killed
}

@test "Debian's initramfs console, its server killed on the real root: /dev/console is the kernel's again, with the reason on it" {
	distro_boot initramfs_killed_later
}

@test "Debian's initramfs with a broken bootcon-exec: the normal console, with the reason on it" {
	distro_boot initramfs_broken
}

@test "the Debian package removed: dpkg -r leaves no file but its conffile, the initramfs is made again without bootcon, dpkg -P takes the conffile" {
	if [ "$DISTRO_PREPARE_STATUS" -eq 77 ]; then
		skip "$(sed -n 's/^distro test: skipped: //p' "$BATS_FILE_TMPDIR/prepare.log" | tail -n 1)"
	fi
	[ "$DISTRO_PREPARE_STATUS" -eq 0 ] || { cat "$BATS_FILE_TMPDIR/prepare.log"; return 1; }
	run sh "$BATS_TEST_DIRNAME/boot/distro" remove "$DISTRO_WORK" 3>&-
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"PASS remove: dpkg-r-leaves-no-file"* ]]
	[[ $output != *FAIL* ]]
}
