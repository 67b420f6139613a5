#!/usr/bin/env bats
# The boot test (tests/boot/run, also `make boot-test`) as part of make check:
# a real Debian kernel under QEMU, with init on a bootcon window.  Skipped,
# with the reason, when this machine cannot run it (no QEMU, no kernel).

load test_helper

@test "a real kernel boots with init on a bootcon window, reachable over SSH, and on the normal console when bootcon is off, missing or killed" {
	run sh "$ROOT/tests/boot/run" 3>&-
	if [ "$status" -eq 77 ]; then
		skip "$(printf '%s\n' "$output" | sed -n 's/^boot test: skipped: //p' | tail -n 1)"
	fi
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
}
