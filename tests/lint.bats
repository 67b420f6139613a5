#!/usr/bin/env bats
# Static checks: shellcheck on every shell script of the repository, dash
# and busybox sh parse the POSIX ones, mandoc lints every manual page.

load test_helper

# The repository's files (tracked, or new and not ignored), one a line.
repo_files() {
	if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$ROOT" ls-files --cached --others --exclude-standard |
		    while IFS= read -r f; do [ -f "$ROOT/$f" ] && echo "$f"; done
	else
		(cd "$ROOT" && find . -path ./.git -prune -o -type f -print | sed 's|^\./||')
	fi
}

# The shell scripts among them, as "DIALECT FILE" (sh, bash or bats).
shell_scripts() {
	local f first
	repo_files | while IFS= read -r f; do
		case $f in
		*.bats) echo "bats $f"; continue ;;
		*.bash) echo "bash $f"; continue ;;
		*.c|*.h|*.1|*.8|*.md|*.in|*.conf|*.screenrc) continue ;;
		esac
		first=$(head -c 200 "$ROOT/$f" 2>/dev/null | head -n 1 | tr -d '\0')
		case $first in
		'#!/bin/sh'*|'#!/usr/bin/env sh'*|'#!/bin/dash'*) echo "sh $f" ;;
		'#!/bin/bash'*|'#!/usr/bin/env bash'*) echo "bash $f" ;;
		'# shellcheck shell=sh'*) echo "sh $f" ;;
		'# shellcheck shell=bash'*) echo "bash $f" ;;
		esac
	done
}

@test "the repository's shell scripts are found (this suite checks something)" {
	run shell_scripts
	[[ $output == *"sh shell/bootcon"* ]]
	[[ $output == *"sh tmux/bootcon.tmux"* ]]
	[[ $output == *"sh screen/bootcon-screen.sh"* ]]
	[[ $output == *"bats tests/lint.bats"* ]]
	[[ $output == *"bash tests/test_helper.bash"* ]]
}

@test "every shell script passes shellcheck" {
	command -v shellcheck >/dev/null || skip "shellcheck is not installed"
	local bad=0 kind f
	cd "$ROOT"
	while read -r kind f; do
		case $kind in
		sh) shellcheck -x -s sh "$f" || bad=1 ;;
		bash) shellcheck -x -s bash "$f" || bad=1 ;;
		bats) shellcheck -x "$f" || bad=1 ;;
		esac
	done < <(shell_scripts)
	[ "$bad" -eq 0 ]
}

@test "POSIX sh scripts parse under dash and busybox sh" {
	command -v dash >/dev/null || skip "dash is not installed"
	command -v busybox >/dev/null || skip "busybox is not installed"
	local bad=0 kind f
	cd "$ROOT"
	while read -r kind f; do
		[ "$kind" = sh ] || continue
		dash -n "$f" || { echo "dash -n $f failed" >&2; bad=1; }
		busybox sh -n "$f" || { echo "busybox sh -n $f failed" >&2; bad=1; }
	done < <(shell_scripts)
	[ "$bad" -eq 0 ]
}

@test "every manual page is clean under mandoc -Tlint" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	local pages=() p out bad=0
	cd "$ROOT"
	for p in c/*.1 shell/*.1 shell/*.8; do
		[ -f "$p" ] && pages+=("$p")
	done
	[ "${#pages[@]}" -gt 0 ]
	for p in "${pages[@]}"; do
		# Cross references to pages not installed on this machine are fine.
		out=$(mandoc -Tlint "$p" 2>&1 | grep -v -e 'referenced manual not found' \
		    -e 'outdated mandoc.db' || true)
		if [ -n "$out" ]; then
			echo "$out" >&2
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "bootcon.tmux is the only *.tmux file at the top, and it is executable" {
	cd "$ROOT"
	run ls -- *.tmux
	[ "$output" = bootcon.tmux ]
	[ -x bootcon.tmux ]
	[ -x tmux/bootcon.tmux ]
	[ -x tmux/scripts/new-console.sh ]
	[ -x screen/bootcon-screen.sh ]
	[ -x shell/bootcon ]
}
