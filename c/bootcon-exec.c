/* bootcon-exec: take the terminal of a bootcon-server window, become PROG. */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bootcon.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define USAGE "usage: bootcon-exec [-s SOCKET] [-t SECONDS] [-f] [-c | -C] " \
	"[-q | -v] [--console] [--] PROG [ARG]...\n" \
	"       bootcon-exec --no-handoff [--] PROG [ARG]..."
#define MAXFDS 8
/* The room for a failure's cause, which each step of the hand-off fills. */
#define WHYLEN 256

/*
 * The hand-off's deadline (-t), at file scope because the hook that bounds
 * our lines in the window (message_budget) asks it; 0 until the first wait.
 */
static long long timeout = 1000, deadline;

/* One run of bootcon-exec: what its command line asks and how far it got. */
struct client {
	const char *name;	/* the socket's name, for messages */
	struct bc_addr addr;
	int pid1;		/* process 1: never exits, never a ctty */
	int fallback;		/* -f, and always as process 1 */
	int ctty;		/* -c 1, -C 0, -1 not given */
	int console;		/* --console */
	int direct;		/* --no-handoff */
	char **prog;
	int early_session;	/* start the session while the server answers */
	int in_session;		/* ... and it did */
	int signals_reset;
};

/* Close every fd in FDS that is open and mark it closed. */
static void
close_all(int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* Make sure fds 0, 1 and 2 are open, with /dev/null, the console or a pipe. */
static void
fill_stdio(void)
{
	int fd, p[2];

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDWR) == fd)
			continue;
		if (open("/dev/console", O_RDWR | O_NOCTTY) == fd)
			continue;
		if (pipe(p) == 0 && p[0] == fd && p[1] > fd)
			close(p[1]);
	}
}

/*
 * Reset the signal mask and every ignored signal to its default action; the
 * status file stays open until the exec closes it.
 */
static void
reset_signals(struct client *c)
{
	unsigned long long ign = 0;
	struct sigaction sa;
	char buf[2048], *p;
	sigset_t none;
	ssize_t n = -1;
	int fd, sig;

	if (c->signals_reset)
		return;
	c->signals_reset = 1;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		warn("unable to reset the signal mask:");
	fd = openat(AT_FDCWD, "/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		p = strstr(buf, "\nSigIgn:");
		if (p != NULL)
			ign = strtoull(p + 8, NULL, 16);
		else
			n = -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < 65; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (n > 0 && !(ign & (1ULL << (sig - 1))))
			continue;
		if (sigaction(sig, &sa, NULL) < 0 && n > 0 && errno != EINVAL)
			warn("unable to reset signal %d:", sig);
	}
}

/*
 * Return the milliseconds left for the hand-off; the clock starts at the
 * first wait, sparing the fast path its first (slow) reading.
 */
static long long
time_left(void)
{
	if (deadline == 0)
		deadline = now_ms() + timeout;
	return deadline - now_ms();
}

/*
 * Connect to the server, retrying while nothing listens, within the
 * timeout; return the socket, or -1 with the cause in WHY.
 */
static int
connect_server(const struct client *c, char *why)
{
	struct timespec ts;
	long long left, delay = 1;
	int s, err, fd;

	for (;;) {
		s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (s < 0) {
			snprintf(why, WHYLEN, "unable to create a socket: %s",
			    strerror(errno));
			return -1;
		}
		if (s < 3) {
			fd = fcntl(s, F_DUPFD_CLOEXEC, 3);
			close(s);
			fill_stdio();
			if ((s = fd) < 0) {
				snprintf(why, WHYLEN, "unable to move the socket: %s",
				    strerror(errno));
				return -1;
			}
		}
		if (connect(s, (const struct sockaddr *)&c->addr.sun, c->addr.len) == 0)
			return s;
		err = errno;
		close(s);
		left = time_left();
		if ((err != ECONNREFUSED && err != ENOENT && err != EAGAIN &&
		    err != EINTR) || left <= 0) {
			snprintf(why, WHYLEN, "unable to connect to %s: %s",
			    c->name, strerror(err));
			return -1;
		}
		if (delay > left)
			delay = left;
		ts.tv_sec = delay / 1000;
		ts.tv_nsec = (delay % 1000) * 1000000;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		if (delay < 50)
			delay *= 2;
	}
}

/* Collect the fds of MSG's SCM_RIGHTS messages into FDS; return the count. */
static int
collect_fds(struct msghdr *msg, int *fds, int *nmsgs)
{
	struct cmsghdr *c;
	size_t i, n;
	int count = 0, fd;

	*nmsgs = 0;
	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		(*nmsgs)++;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (count < MAXFDS)
				fds[count] = fd;
			else
				close(fd);
			count++;
		}
	}
	return count;
}

/*
 * Receive and validate the three terminal fds from connected socket S
 * before DEADLINE; return 0 and fill RFD and FLAGS, or an exit code with
 * every received fd closed and the cause in WHY.
 */
static int
receive_terminal(const struct client *c, int s, int rfd[3], int flags[3],
    char *why)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} cbuf;
	struct msghdr msg;
	struct iovec iov;
	struct pollfd p;
	unsigned char tag;
	int fds[MAXFDS], n, nmsgs, i, r;
	long long left;
	char bad[128];
	ssize_t got;

	for (;;) {
		memset(&cbuf, 0, sizeof(cbuf));
		bc_msg_init(&msg, &iov, &tag, cbuf.buf, sizeof(cbuf.buf));
		got = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);
		if (got >= 0)
			break;
		if (errno != EAGAIN && errno != EINTR) {
			snprintf(why, WHYLEN, "unable to receive from %s: %s",
			    c->name, strerror(errno));
			return EX_SYS;
		}
		p.fd = s;
		p.events = POLLIN;
		left = time_left();
		r = poll(&p, 1, left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left);
		if (r == 0) {
			snprintf(why, WHYLEN, "timed out waiting for %s to hand "
			    "over its terminal", c->name);
			return EX_SYS;
		}
		if (r < 0 && errno != EINTR) {
			snprintf(why, WHYLEN, "unable to poll %s: %s", c->name,
			    strerror(errno));
			return EX_SYS;
		}
	}
	n = collect_fds(&msg, fds, &nmsgs);
	if (n > MAXFDS)
		n = MAXFDS;
	if (got == 0)
		snprintf(why, WHYLEN, "%s closed the connection without "
		    "handing over a terminal (not allowed?)", c->name);
	else if (tag == BC_BUSY && n == 0)
		snprintf(why, WHYLEN, "%s is busy: another process holds "
		    "its window", c->name);
	else if (tag != BC_TAG)
		snprintf(why, WHYLEN, "protocol error from %s: unexpected "
		    "tag byte 0x%02x (expected 0x%02x)", c->name, tag, BC_TAG);
	else if (msg.msg_flags & MSG_CTRUNC)
		snprintf(why, WHYLEN, "protocol error from %s: too many fds "
		    "(control data truncated)", c->name);
	else if (n != 3 || nmsgs != 1)
		snprintf(why, WHYLEN, "protocol error from %s: expected 3 fds "
		    "in one message, got %d in %d", c->name, n, nmsgs);
	else if (same_terminal(fds, flags, bad, sizeof(bad)) < 0)
		snprintf(why, WHYLEN, "%s handed over no usable terminal: %s",
		    c->name, bad);
	else {
		for (i = 0; i < 3; i++)
			rfd[i] = fds[i];
		return 0;
	}
	close_all(fds, n);
	return EX_REFUSED;
}

/*
 * Connect, check the server's uid, receive its terminal; 0, or an exit code
 * with the cause in WHY.
 */
static int
take(struct client *c, int *sock, int rfd[3], int flags[3], char *why)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int s, r;

	s = connect_server(c, why);
	if (s < 0)
		return EX_SYS;
	if (c->early_session)
		c->in_session = setsid() >= 0;
	/* Work the server's answer does not change, done while it answers. */
	reset_signals(c);
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		snprintf(why, WHYLEN, "unable to read the credentials of %s: %s",
		    c->name, strerror(errno));
		close(s);
		return EX_SYS;
	}
	if (cred.uid != 0 && cred.uid != getuid() && cred.uid != geteuid()) {
		snprintf(why, WHYLEN, "refusing %s: its server runs as uid %u",
		    c->name, (unsigned)cred.uid);
		close(s);
		return EX_REFUSED;
	}
	r = receive_terminal(c, s, rfd, flags, why);
	if (r != 0) {
		close(s);
		return r;
	}
	info("took the terminal of %s (server pid %d)", c->name, (int)cred.pid);
	*sock = s;
	return 0;
}

/*
 * Move the received fds above 2, where installing them clobbers none (each
 * SCM_RIGHTS fd has a number of its own).
 */
static int
lift(int rfd[3])
{
	int i, fd;

	for (i = 0; i < 3; i++) {
		if (rfd[i] > 2)
			continue;
		fd = fcntl(rfd[i], F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return -1;
		close(rfd[i]);
		rfd[i] = fd;
	}
	return 0;
}

/* Put the lifted fds on 0, 1 and 2, blocking. */
static int
install(const int rfd[3], const int flags[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		if (dup2(rfd[i], i) < 0)
			return -1;
		if ((flags[i] & O_NONBLOCK) &&
		    fcntl(i, F_SETFL, flags[i] & ~O_NONBLOCK) < 0)
			return -1;
	}
	return 0;
}

/* Mark every fd above 2 close-on-exec, so that PROG sees only 0, 1 and 2. */
static void
cloexec_above_stdio(void)
{
	struct dirent *e;
	long max, fd;
	DIR *d;

	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	/* Before Linux 5.11: every fd /proc lists, else every possible one. */
	d = opendir("/proc/self/fd");
	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			fd = strtol(e->d_name, NULL, 10);
			if (fd > 2 && fd != dirfd(d) &&
			    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
				warn("unable to close fd %ld before the exec:", fd);
		}
		if (closedir(d) == 0)
			return;
	}
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
			warn("unable to close fd %ld before the exec:", fd);
}

/*
 * Start a session of our own, leaving the caller's controlling terminal; a
 * session leader already gives its controlling terminal up (TIOCNOTTY,
 * which sends our own group SIGHUP and SIGCONT).
 */
static void
new_session(const struct client *c)
{
	int fd;

	if (c->in_session || setsid() == 0)
		return;
	if (getsid(0) != getpid()) {
		warn("unable to start a session:");
		return;
	}
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (release_ctty(fd) < 0)
		warn("unable to leave the caller's terminal:");
	close(fd);
}

/* Make the terminal on fd 0 our controlling terminal, by force if root must. */
static void
take_ctty(void)
{
	if (ioctl(0, TIOCSCTTY, 0) == 0)
		return;
	if (errno == EPERM && geteuid() == 0 && ioctl(0, TIOCSCTTY, 1) == 0) {
		info("took the terminal from its session by force");
		return;
	}
	warn("no job control: the terminal belongs to another session (%s)",
	    strerror(errno));
}

/* Find PROG on $PATH like execvp would, into BUF; return the path or NULL. */
static const char *
find_prog(const char *prog, char *buf, size_t len)
{
	const char *path, *p, *end;
	struct stat st;
	size_t dl;

	if (strchr(prog, '/') != NULL)
		return prog;
	path = getenv("PATH");
	if (path == NULL)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path; ; p = end + 1) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		dl = end - p;
		if (dl == 0) {
			p = ".";
			dl = 1;
		}
		if (dl + strlen(prog) + 2 <= len) {
			memcpy(buf, p, dl);
			buf[dl] = '/';
			strcpy(buf + dl + 1, prog);
			if (access(buf, X_OK) == 0 && stat(buf, &st) == 0 &&
			    S_ISREG(st.st_mode))
				return buf;
		}
		if (*end == '\0')
			return NULL;
	}
}

/* As PID 1, try the kernel's fallback inits, then reap children forever. */
static void __attribute__((noreturn))
pid1_last_resort(void)
{
	static const char *const inits[] = {
		"/sbin/init", "/etc/init", "/bin/init", "/bin/sh", NULL
	};
	char *argv[2];
	sigset_t chld;
	int i;

	for (i = 0; inits[i] != NULL; i++) {
		argv[0] = (char *)inits[i];
		argv[1] = NULL;
		execv(inits[i], argv);
		warn("unable to execute %s:", inits[i]);
	}
	warn("nothing left to run; waiting forever");
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0)
		warn("unable to block SIGCHLD:");
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (sigwaitinfo(&chld, NULL) < 0 && errno != EINTR)
			sleep(1);
	}
}

/* Exec PROG (found on $PATH as PATH); never returns. */
static void __attribute__((noreturn))
run(const struct client *c, const char *path)
{
	char **prog = c->prog;
	int code;

	if (path != NULL)
		execv(path, prog);
	else
		errno = ENOENT;
	code = errno == ENOENT || errno == ENOTDIR ? EX_NOTFOUND : EX_NOEXEC;
	if (!c->pid1)
		fatal(code, "unable to execute %s:", prog[0]);
	warn("unable to execute %s:", prog[0]);
	pid1_last_resort();
}

/*
 * Fork when a process-group leader must start a session: the child goes on,
 * the parent waits and exits as the child did, like setsid -w.
 */
static void
fork_if_group_leader(void)
{
	pid_t child;
	int status;

	pid_t me = getpid();

	if (getpgrp() != me || getsid(0) == me)
		return;
	child = fork();
	if (child < 0) {
		warn("no job control: unable to fork:");
		return;
	}
	if (child == 0)
		return;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			_exit(EX_SYS);
	if (WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
}

/* Report a usage error: exit 100, or as process 1 ignore it and go on. */
static void
usage_error(const struct client *c, const char *msg)
{
	if (!c->pid1) {
		fprintf(stderr, "bootcon-exec: fatal: %s (usage: bootcon-exec -h)\n",
		    msg);
		exit(EX_USAGE);
	}
	warn("%s: ignored, as process 1 must go on", msg);
}

/*
 * Within the deadline, discard what was typed on terminal TTY before the
 * hand-off and send the acknowledgement with PROG's base name over S; a
 * server that gave up first has shut the connection, and the hand-off
 * failed.  Return 0, or an exit code with the cause in WHY.
 */
static int
acknowledge(const struct client *c, int s, int tty, char *why)
{
	char buf[1 + BC_NAME_MAX];
	const char *prog = c->prog[0], *base = strrchr(prog, '/');
	size_t n;
	int pending;

	base = base != NULL ? base + 1 : prog;
	n = strlen(base);
	if (n > BC_NAME_MAX)
		n = BC_NAME_MAX;
	buf[0] = BC_ACK;
	memcpy(buf + 1, base, n);
	if (time_left() <= 0) {
		snprintf(why, WHYLEN, "timed out before acknowledging %s's "
		    "terminal", c->name);
		return EX_SYS;
	}
	/* A flush wakes the terminal's workers: only when there is input. */
	if ((ioctl(tty, TIOCINQ, &pending) < 0 || pending > 0) &&
	    tcflush(tty, TCIFLUSH) < 0)
		info("unable to discard typed-ahead input:");
	if (send(s, buf, n + 1, MSG_NOSIGNAL) == (ssize_t)n + 1)
		return 0;
	snprintf(why, WHYLEN, "unable to acknowledge to %s: %s", c->name,
	    errno == EPIPE ? "it gave up on the hand-off" : strerror(errno));
	return EX_SYS;
}

static const struct option longopts[] = {
	{ "console", no_argument, NULL, 'K' },
	{ "no-handoff", no_argument, NULL, 'N' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Parse the command line into C; usage errors exit 100 (process 1 goes on). */
static void
parse_options(int argc, char **argv, struct client *c)
{
	char msg[200];
	int opt;

	c->ctty = -1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:s:t:fcCqvh", longopts,
	    NULL)) != -1) {
		switch (opt) {
		case 's':
			c->name = optarg;
			break;
		case 't':
			if (parse_seconds(optarg, &timeout) < 0) {
				snprintf(msg, sizeof(msg), "bad timeout: %.100s",
				    optarg);
				usage_error(c, msg);
			}
			break;
		case 'f':
			c->fallback = 1;
			break;
		case 'c':
		case 'C':
			c->ctty = opt == 'c';
			break;
		case 'q':
			verbosity = -1;
			break;
		case 'v':
			verbosity = 1;
			break;
		case 'K':
			c->console = 1;
			break;
		case 'N':
			c->direct = 1;
			break;
		case 'h':
			printf("%s\n", USAGE);
			if (!c->pid1)
				exit(0);
			break;
		case ':':
			snprintf(msg, sizeof(msg), "option -%c needs an argument",
			    optopt);
			usage_error(c, msg);
			break;
		default:
			if (optopt != 0)
				snprintf(msg, sizeof(msg), "unknown option -%c",
				    optopt);
			else
				snprintf(msg, sizeof(msg), "unknown option %.100s",
				    argv[optind - 1]);
			usage_error(c, msg);
		}
	}
	c->prog = argv + optind;
	if (c->prog[0] == NULL) {
		usage_error(c, "missing PROG");
		pid1_last_resort();
	}
	if (c->pid1) {
		if (c->ctty > 0)
			warn("-c ignored: process 1 never takes a controlling "
			    "terminal");
		c->ctty = 0;
		c->fallback = 1;
	} else if (c->ctty < 0)
		c->ctty = 1;
}

/*
 * The hand-off up to the point of no return (DESIGN steps 1-3 and the
 * ack): connect, check the server, receive and validate its terminal, move
 * the fds above 2 and acknowledge.  Return 0 with the terminal in RFD and
 * FLAGS, or an exit code with the cause in WHY and every fd closed.
 */
static int
handoff(struct client *c, int rfd[3], int flags[3], char *why)
{
	int sock = -1, r;

	r = take(c, &sock, rfd, flags, why);
	if (r != 0)
		return r;
	if (lift(rfd) < 0) {
		snprintf(why, WHYLEN, "unable to move the terminal's fds: %s",
		    strerror(errno));
		r = EX_SYS;
	}
	if (r == 0)
		r = acknowledge(c, sock, rfd[0], why);
	/* Kept on success: it closes at the exec, when the server looks. */
	if (r != 0) {
		close_all(rfd, 3);
		close(sock);
	}
	return r;
}

/* Take the window's terminal and become PROG; as process 1, never exit. */
int
main(int argc, char **argv)
{
	struct client c;
	int rfd[3] = { -1, -1, -1 }, flags[3], r;
	char buf[PATH_MAX], why[WHYLEN];
	const char *path;

	progname = "bootcon-exec";
	memset(&c, 0, sizeof(c));
	c.pid1 = getpid() == 1;
	parse_options(argc, argv, &c);
	c.name = bc_socket_name(c.name);
	r = bc_addr_parse(&c.addr, c.name) == 0 ? 0 : EX_USAGE;
	if (r != 0) {
		snprintf(why, sizeof(why), "bad socket name %.100s: %s", c.name,
		    errno == ENAMETOOLONG ? "too long" : c.name[0] == '@' ?
		    "an abstract name needs a character after @" :
		    "neither @name nor a path");
		usage_error(&c, why);
	}
	path = find_prog(c.prog[0], buf, sizeof(buf));
	if (!c.pid1 && (path == NULL ||
	    (path == c.prog[0] && access(path, X_OK) < 0)))
		fatal(path == NULL || errno == ENOENT || errno == ENOTDIR ?
		    EX_NOTFOUND : EX_NOEXEC, "unable to execute %s: %s",
		    c.prog[0], path == NULL ? "not found" : strerror(errno));
	if (!c.pid1 && !c.direct)
		fork_if_group_leader();
	/*
	 * setsid() is slow where the kernel makes each session a scheduler
	 * autogroup; without -f a failed hand-off exits anyway, so start the
	 * session while the server answers.
	 */
	c.early_session = !c.fallback;
	if (c.direct)
		r = -1;
	else if (r == 0)
		r = handoff(&c, rfd, flags, why);
	if (r > 0) {
		if (!c.fallback)
			fatal(r, "%s", why);
		warn("%s; running %s on the original stdio", why, c.prog[0]);
	}
	/* Past the ack the window is ours: nothing from here fails it. */
	if (r == 0) {
		/* Our lines in the window from here: none outlives the deadline. */
		message_budget = time_left;
		if (install(rfd, flags) < 0)
			warn("unable to put the terminal on fds 0-2:");
	}
	cloexec_above_stdio();
	if (r == 0) {
		if (c.console)
			become_console();
		new_session(&c);
		if (c.ctty)
			take_ctty();
	}
	reset_signals(&c);
	run(&c, path);
}
