#!/usr/bin/env bats
# bootcon's consoles in conserver, for real: Debian's conserver and console,
# a private sshd (its own port on 127.0.0.1, host key, config and
# authorized_keys with bootcon ssh-command as the forced command), and the
# entries bootcon conserver prints for three consoles.  As root (sshd's
# sessions are root's, as with conserver at a site); skipped otherwise or
# when the programs are missing (tests/deps.sh conserver installs them).

# shellcheck disable=SC2154 # $stderr comes from bats run
load test_helper

setup_file() {
	export BATS_TEST_TIMEOUT=180
}

setup() {
	bc_setup
	need_root "sshd sessions of root, as conserver's"
	local c
	for c in conserver console /usr/sbin/sshd ssh ssh-keygen; do
		command -v "$c" >/dev/null || skip "$c is not installed (sh tests/deps.sh conserver)"
	done
	CS_PIDS=
	# The program on each console: a line for each line it reads.
	cat >"$T/answer" <<'EOF'
#!/bin/sh
echo "ready on $1"
while read -r line; do
	echo "answer from $1: $line"
done
EOF
	chmod +x "$T/answer"
}

teardown() {
	local p
	# conserver (its own children end with it), then sshd: by pid.
	for p in $CS_PIDS; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in $CS_PIDS; do
		wait_until "exited $p" 5 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
	done
	[ -z "${BC_DEBUG:-}" ] || cp -a "$T" /tmp/i18-debug 2>/dev/null || true
	bc_teardown
}

# A TCP port on 127.0.0.1 that nothing listens on (from /proc/net/tcp).
free_port() {
	local p=$((20000 + ($$ * 7 + ${1:-0}) % 20000))
	while awk -v p="$(printf '%04X' "$p")" '$2 ~ ":"p"$" { f = 1 } END { exit !f }' \
	    /proc/net/tcp /proc/net/tcp6 2>/dev/null; do
		p=$((p + 1))
	done
	echo "$p"
}

# Succeed if something listens on 127.0.0.1:PORT.
tcp_listening() {
	awk -v p="0100007F:$(printf '%04X' "$1")" '$2 == p && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp
}

# A private sshd on 127.0.0.1:SSH_PORT: its host key, its config, and the
# authorized_keys lines AUTH... (each: the options, and the key file name
# in $T/ssh whose public key follows them).
start_sshd() {
	local d=$T/ssh line
	mkdir -m 700 "$d"
	ssh-keygen -q -t ed25519 -N '' -f "$d/host"
	SSH_PORT=$(free_port 1)
	: >"$d/authorized_keys"
	for line; do
		ssh-keygen -q -t ed25519 -N '' -f "$d/${line##* }"
		printf '%s %s\n' "${line% *}" "$(cat "$d/${line##* }.pub")" >>"$d/authorized_keys"
	done
	echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$d/host.pub")" >"$d/known_hosts"
	cat >"$d/sshd_config" <<EOF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $d/host
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin forced-commands-only
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
SetEnv BOOTCON_LOG_DIR=$T/log
EOF
	# Debian's sshd wants its privilege separation directory.
	[ -d /run/sshd ] || mkdir -m 755 /run/sshd
	/usr/sbin/sshd -D -e -f "$d/sshd_config" </dev/null >"$d/sshd.log" 2>&1 3>&- &
	CS_PIDS="$CS_PIDS $!"
	wait_until "tcp_listening $SSH_PORT" || { cat "$d/sshd.log" >&2; return 1; }
	SSH_OPTS=(-p "$SSH_PORT" -o BatchMode=yes -o StrictHostKeyChecking=yes
	    -o UserKnownHostsFile="$d/known_hosts" -o IdentitiesOnly=yes -l root)
}

# Three consoles with transcripts, S1 S2 S3, each running answer.
three_consoles() {
	export BOOTCON_LOG_DIR=$T/log
	S1=$(bc_sock 1) S2=$(bc_sock 2) S3=$(bc_sock 3)
	local s n=0
	for s in "$S1" "$S2" "$S3"; do
		n=$((n + 1))
		run -0 bootcon start -l -s "$s"
		bg_exec "$s" "$T/answer" "c$n"
		wait_pane "=bootcon:$((n - 1))" "ready on c$n"
	done
}

# conserver on 127.0.0.1:CS_PORT with bootcon conserver's entries for the
# three consoles of 127.0.0.1 (names: the host, then the socket's name).
start_conserver() {
	local d=$T/cs
	mkdir -m 700 "$d"
	CS_PORT=$(free_port 2)
	run -0 bootcon conserver "${SSH_OPTS[@]:0:2}" -i "$T/ssh/op" -l root \
	    -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$T/ssh/known_hosts" \
	    -c "sh $ROOT/shell/bootcon" -L "$d" -s "$S1" -s "$S2" -s "$S3" 127.0.0.1
	printf '%s\n' "$output" >"$d/conserver.cf"
	cat >>"$d/conserver.cf" <<EOF
access * { trusted 127.0.0.1; }
EOF
	: >"$d/passwd"
	conserver -C "$d/conserver.cf" -P "$d/passwd" -p "$CS_PORT" -M 127.0.0.1 -E \
	    </dev/null >"$d/conserver.out" 2>&1 3>&- &
	CS_PID=$!
	CS_PIDS="$CS_PID $CS_PIDS"
	wait_until "tcp_listening $CS_PORT" || { cat "$d/conserver.out" >&2; return 1; }
}

# Print the processes of this test's ssh sessions (their command lines
# name its sockets, or its transcripts' directory).
session_processes() {
	local d c
	for d in /proc/[0-9]*; do
		c=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
		case $c in
		*"ssh-command -s $S1 "*|*" -F $T/log/"*) echo "${d#/proc/} $c" ;;
		esac
	done
}

# The conserver name of console SOCKET: 127.0.0.1-NAME.
cs_name() {
	echo "127.0.0.1-${1#@}"
}

# Type lines sync1, sync2, ... (one a second, 20 at most) in conserver
# console window PANE until the console window WATCHER shows the answer of
# program NAME (conserver may connect a client a moment after it says so).
cs_sync() {
	local i
	for i in $(seq 20); do
		tx2 send-keys -t "$1" "sync$i" Enter
		TX=tx2 wait_pane "$2" "answer from $3: sync$i" 1 2>/dev/null && return 0
	done
	echo "conserver console $2 never showed what $1 typed" >&2
	return 1
}

# Run console ARG... in a new window of the second private tmux server;
# print its pane id.
console_window() {
	TX=tx2 tmux_window c sh -c 'TERM=xterm console "$@"; echo "console exited $?"; exec cat' \
	    sh -n -E -M 127.0.0.1 -p "$CS_PORT" -l root "$@"
}

@test "conserver reaches three bootcon consoles over ssh: typing, spying, a log without escapes, reattaching after a restart" {
	start_sshd "command=\"sh $ROOT/shell/bootcon ssh-command -s $(bc_sock 1) -s $(bc_sock 2) -s $(bc_sock 3)\",restrict,pty op"
	three_consoles
	local size
	size=$(tx display-message -p -t "=bootcon:1" '#{window_width}x#{window_height}')
	start_conserver
	# Attached to two of them.  conserver passes on what comes from now
	# on: what tmux draws, not the screen drawn before (the -log
	# console's replay has that).
	p1=$(console_window "$(cs_name "$S1")")
	p2=$(console_window "$(cs_name "$S2")")
	TX=tx2 wait_pane "$p1" 'for help' 20
	TX=tx2 wait_pane "$p2" 'for help' 20
	cs_sync "$p1" "$p1" c1
	cs_sync "$p2" "$p2" c2
	# prefix r redraws the whole window, what came before too.
	tx2 send-keys -t "$p1" C-b r
	TX=tx2 wait_pane "$p1" 'ready on c1'
	# conserver's 0x0 terminal left the window's size alone.
	[ "$(tx display-message -p -t "=bootcon:1" '#{window_width}x#{window_height}')" = "$size" ]
	# A spy, from now on (it sees what comes, no replay: the log has it).
	s2=$(console_window -s "$(cs_name "$S2")")
	TX=tx2 wait_pane "$s2" 'for help'
	cs_sync "$p2" "$s2" c2
	# A line typed reaches the program on that console, and its answer
	# comes back; the spy sees it too, and cannot type.
	tx2 send-keys -t "$p2" hello-two Enter
	wait_pane "=bootcon:1" 'answer from c2: hello-two'
	TX=tx2 wait_pane "$p2" 'answer from c2: hello-two'
	pane_lacks "=bootcon:0" hello-two
	TX=tx2 pane_lacks "$p2" '(on|from) c[13]'
	TX=tx2 wait_pane "$s2" 'answer from c2: hello-two'
	tx2 send-keys -t "$s2" spy-typed Enter
	tx2 send-keys -t "$p2" after-spy Enter
	TX=tx2 wait_pane "$s2" 'answer from c2: after-spy'
	pane_lacks "=bootcon:1" spy-typed
	# conserver's log of the console: the program's lines, no escapes.
	local log
	log=$T/cs/$(cs_name "$S2").log
	wait_file "$log" 'answer from c2: after-spy'
	grep -q 'ready on c2' "$log"
	if grep -q $'\e' "$log"; then
		echo "--- escape sequences in $log:" >&2
		cat -v "$log" >&2
		return 1
	fi
	# Stopped and started again: conserver's console shows it within
	# seconds, and takes keys again.
	run -0 bootcon stop -s "$S1"
	run -0 bootcon start -l -s "$S1"
	bg_exec "$S1" "$T/answer" c1-again
	TX=tx2 wait_pane "$p1" 'ready on c1-again' 10
	tx2 send-keys -t "$p1" back-again Enter
	wait_output "tx capture-pane -p -t '=bootcon:{end}'" 'answer from c1-again: back-again'
	# conserver never saw it go: its ssh (bootcon attach -w) went on.
	run grep -F -e "[$(cs_name "$S1")] exit" -e 'forcing down' "$T/cs/conserver.out"
	[ "$status" -eq 1 ]
	# Once conserver stops, nothing of its sessions stays on the machine.
	[ -n "$(session_processes)" ]
	kill -TERM "$CS_PID"
	wait_until "exited $CS_PID"
	wait_output "session_processes | wc -l" '^0$'
}

@test "bootcon ssh-command gives a key its consoles and nothing else; a read-only key watches" {
	S1=$(bc_sock 1) S2=$(bc_sock 2)
	start_sshd "command=\"sh $ROOT/shell/bootcon ssh-command -s $S1\",restrict,pty one" \
	    "command=\"sh $ROOT/shell/bootcon ssh-command -r -s $S2\",restrict,pty watch"
	run -0 bootcon start -s "$S1"
	run -0 bootcon start -s "$S2"
	bg_exec "$S2" "$T/answer" c2
	wait_pane "=bootcon:1" 'ready on c2'
	run -1 --separate-stderr ssh "${SSH_OPTS[@]}" -i "$T/ssh/one" -T 127.0.0.1 cat /etc/passwd
	[ "$stderr" = "bootcon: ssh-command: not allowed: cat /etc/passwd" ]
	run -1 --separate-stderr ssh "${SSH_OPTS[@]}" -i "$T/ssh/one" -T 127.0.0.1 bootcon attach -s "$S2"
	[[ $stderr == "bootcon: ssh-command: not allowed: $S2 "* ]]
	# The watcher's key: S2 read-only, whatever it asks.
	w=$(TX=tx2 tmux_window o ssh "${SSH_OPTS[@]}" -i "$T/ssh/watch" -tt 127.0.0.1 bootcon attach -s "$S2")
	TX=tx2 wait_pane "$w" 'ready on c2' 20
	tx2 send-keys -t "$w" watcher-typed Enter
	run -0 tx send-keys -t "=bootcon:1" typed-here Enter
	TX=tx2 wait_pane "$w" 'answer from c2: typed-here'
	pane_lacks "=bootcon:1" watcher-typed
}

@test "bootcon conserver prints an entry and a log entry per console, and refuses bad words" {
	run -0 bootcon conserver -p 2222 -i /k -l ops h1 h2
	[[ $output == *$'console h1 {\n\tinclude bootcon-window;\n\texec exec ssh '*' -p 2222 -i /k -o IdentitiesOnly=yes -l ops -tt h1 bootcon attach -w -s @init_console;'* ]]
	[[ $output == *$'console h2-log {\n\tinclude bootcon;\n\texec exec ssh '*$' -tt h2 bootcon log -f -s @init_console;\n\tlogfile /var/log/conserver/h2.log;'* ]]
	run -0 bootcon conserver -r -s @a -s /run/x/b h1
	[[ $output == *"console h1-a {"* ]]
	[[ $output == *"console h1-_run_x_b-log {"* ]]
	[[ $output == *"bootcon attach -r -w -s @a;"* ]]
	run -100 --separate-stderr bootcon conserver
	[ "$stderr" = "bootcon: no HOST"$'\n'"usage: bootcon conserver [-p PORT] [-i KEY] [-l USER] [-o SSH_OPTION]... [-s SOCKET]... [-r] [-c COMMAND] [-L LOGDIR] HOST..." ]
	run -100 --separate-stderr bootcon conserver 'h1;rm'
	[[ $stderr == "bootcon: bad host "* ]]
	run -100 bootcon conserver -p x h1
}
