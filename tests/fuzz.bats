#!/usr/bin/env bats
# The libFuzzer harnesses (tests/fuzz, built by make check): the checked-in
# corpus replays clean and a short run finds nothing.  "make fuzz" runs each
# for a minute.

load test_helper

export BATS_TEST_TIMEOUT=120

setup() {
	bc_setup
}

teardown() {
	bc_teardown
}

# Run fuzzer NAME for SECONDS from its corpus, new inputs in a scratch dir.
fuzz_for() {
	mkdir -p "$T/$1"
	run "$ROOT/tests/fuzz/$1-fuzz" -max_total_time="$2" -timeout=10 \
		-artifact_prefix="$T/crash-" "$T/$1" "$ROOT/tests/fuzz/corpus/$1"
	if [ "$status" -ne 0 ]; then
		printf '%s\n' "${lines[@]}" | tail -n 40 >&2
		for f in "$T"/crash-*; do
			[ -e "$f" ] && echo "input $f: $(od -An -tx1 "$f" | tr -d '\n')" >&2
		done
		return 1
	fi
	[[ "$output" == *"Done "*" runs in "* ]]
}

@test "the client's receive path (tests/fuzz/client.c): its corpus and 10 s of fuzzing find nothing" {
	fuzz_for client 10
}

@test "the server's reading of an answer (tests/fuzz/server.c): its corpus and 10 s of fuzzing find nothing" {
	fuzz_for server 10
}
