/* bootcon-server: hand this window's terminal to the processes that ask. */
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "bootcon.h"

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
#ifndef SCM_PIDFD
#define SCM_PIDFD 4
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define USAGE "usage: bootcon-server [-s SOCKET] [-u UID]... [-1] [-d FD] " \
	"[-q | -v]\n       bootcon-server -Q [-s SOCKET]"
#define MAXUIDS 16
#define ACK_TIMEOUT_MS 5000
/* How long a line may wait for the window; once one did, none waits. */
#define SAY_MS 200

enum { P_TTY, P_SIG, P_LISTEN, P_OTHER, NPOLL };

static struct bc_addr addr;
static const char *sockname;
static uid_t uids[MAXUIDS + 2];
static int nuids;
static int lfd = -1, sfd = -1;
static struct termios saved_tio;
static int have_tio;
static int bound;
static int notify = -1;
static pid_t holder = -1;
static char holder_name[BC_NAME_MAX + 2];

/* Write one "bootcon: ..." line into the window; with -q, only if ALWAYS. */
static void __attribute__((format(printf, 2, 3)))
say(int always, const char *fmt, ...)
{
	char buf[384];
	va_list ap;
	int n;

	if (verbosity < 0 && !always)
		return;
	memcpy(buf, "bootcon: ", 9);
	va_start(ap, fmt);
	n = vsnprintf(buf + 9, sizeof(buf) - 10, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n += 9;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\r';
	buf[n++] = '\n';
	if (write_within(1, buf, n, SAY_MS) < 0)
		return;
}

/* The time a warning may wait for the window. */
static long long
say_budget(void)
{
	return SAY_MS;
}

/* Remove the path socket, and a bind mount of our terminal on the console. */
static void
cleanup(void)
{
	if (bound && !addr.abstract && unlink(addr.sun.sun_path) < 0 &&
	    errno != ENOENT)
		warn("unable to remove %s:", sockname);
	if (geteuid() == 0 && release_console(-1, 0) > 0)
		info("gave /dev/console back to the kernel's console");
}

/* Stop: clean up and exit with CODE. */
static void __attribute__((noreturn))
stop(int code)
{
	cleanup();
	_exit(code);
}

/* Return whether a client running as UID may take the terminal. */
static int
allowed(uid_t uid)
{
	int i;

	for (i = 0; i < nuids; i++)
		if (uids[i] == uid)
			return 1;
	return 0;
}

/* Check that a path socket's directory is ours and not writable by others. */
static void
check_socket_dir(const char *path)
{
	char dir[sizeof(addr.sun.sun_path)];
	struct stat st;
	char *slash;

	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) < 0)
		fatal(EX_SYS, "unable to use the socket directory %s:", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		fatal(EX_REFUSED, "unsafe socket directory %s: it must be owned by "
		    "uid %u and not writable by others", dir, (unsigned)geteuid());
}

/* Bind and listen on the socket; a name in use is a fatal error naming it. */
static void
listen_socket(void)
{
	static const int one = 1;
	struct stat st;
	mode_t old;
	int s, r;

	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (lfd < 0)
		fatal(EX_SYS, "unable to create a socket:");
	if (!addr.abstract)
		check_socket_dir(sockname);
	old = umask(nuids > 2 ? 0111 : 0177);
	r = bind(lfd, (struct sockaddr *)&addr.sun, addr.len);
	if (r < 0 && errno == EADDRINUSE && !addr.abstract) {
		/* A socket nobody listens on is stale: replace it. */
		s = -1;
		if (lstat(sockname, &st) == 0 && S_ISSOCK(st.st_mode))
			s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
			    SOCK_NONBLOCK, 0);
		if (s >= 0 &&
		    connect(s, (struct sockaddr *)&addr.sun, addr.len) < 0 &&
		    errno == ECONNREFUSED && unlink(sockname) == 0)
			r = bind(lfd, (struct sockaddr *)&addr.sun, addr.len);
		else
			errno = EADDRINUSE;
		if (s >= 0)
			close(s);
	}
	umask(old);
	if (r < 0) {
		int e = errno;

		close(lfd);
		lfd = -1;
		if (e == EADDRINUSE)
			fatal(EX_REFUSED, "socket name in use: %s", sockname);
		errno = e;
		fatal(EX_SYS, "unable to bind %s:", sockname);
	}
	bound = 1;
	/* Accepted connections inherit these: the kernel vouches for the ack. */
	if (setsockopt(lfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		fatal(EX_SYS, "unable to ask for credentials on %s:", sockname);
	if (setsockopt(lfd, SOL_SOCKET, SO_PASSPIDFD, &one, sizeof(one)) < 0 &&
	    errno != ENOPROTOOPT)
		fatal(EX_SYS, "unable to ask for pidfds on %s:", sockname);
	if (listen(lfd, 16) < 0)
		fatal(EX_SYS, "unable to listen on %s:", sockname);
}

/* Ignore signal SIG. */
static void
ignore(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(sig, &sa, NULL) < 0)
		warn("unable to ignore signal %d:", sig);
}

/* Give up the window as controlling terminal if we lead its session. */
static void
release_window(void)
{
	if (getsid(0) == getpid() && tcgetsid(0) == getpid() &&
	    release_ctty(0) < 0)
		warn("unable to release the terminal:");
}

/* Route the signals we act on through a signalfd; ignore the stopping ones. */
static void
setup_signals(void)
{
	sigset_t set;

	ignore(SIGPIPE);
	ignore(SIGTTOU);
	ignore(SIGTTIN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGTSTP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		fatal(EX_SYS, "unable to block signals:");
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		fatal(EX_SYS, "unable to create a signalfd:");
}

/* Read pending signals: stop on TERM and HUP, on INT and QUIT only if idle. */
static void
handle_signals(int busy)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGHUP:
			stop(0);
		case SIGINT:
		case SIGQUIT:
			if (!busy)
				stop(0);
			break;
		}
	}
}

/* Fill P: the terminal, the signals, LISTEN and OTHER (-1 for none). */
static void
watch(struct pollfd p[NPOLL], int listen, int other)
{
	memset(p, 0, NPOLL * sizeof(*p));
	p[P_TTY].fd = 0;
	p[P_SIG].fd = sfd;
	p[P_SIG].events = POLLIN;
	p[P_LISTEN].fd = listen;
	p[P_LISTEN].events = POLLIN;
	p[P_OTHER].fd = other;
	p[P_OTHER].events = POLLIN;
}

/* Send the terminal (fds 0, 1, 2) with the protocol tag over C. */
static int
send_terminal(int c)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} cbuf;
	static const int fds[3] = { 0, 1, 2 };
	unsigned char tag = BC_TAG;
	struct cmsghdr *cm;
	struct msghdr msg;
	struct iovec iov;
	ssize_t r;

	memset(&cbuf, 0, sizeof(cbuf));
	bc_msg_init(&msg, &iov, &tag, cbuf.buf, CMSG_SPACE(sizeof(fds)));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	do
		r = sendmsg(c, &msg, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	return r == 1 ? 0 : -1;
}

/*
 * Read the ack waiting on C, with the sender's pid and pidfd as the kernel
 * vouches for them (the sender may not be the peer that connected, which
 * may have forked), else the connected peer's pid PEER; fds sent along are
 * closed.  Return 0 and fill PID, PFD (or -1) and the program's name in
 * NAME; or -1.
 */
static int
read_ack(int c, pid_t peer, pid_t *pid, int *pfd, char *name, size_t namelen)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
		    CMSG_SPACE(sizeof(int)) + CMSG_SPACE(4 * sizeof(int))];
	} cbuf;
	char buf[1 + BC_NAME_MAX + 1];
	struct ucred cred;
	struct cmsghdr *cm;
	struct msghdr msg;
	struct iovec iov;
	size_t i, k;
	ssize_t n;
	int fd;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf) - 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	do
		n = recvmsg(c, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	*pid = peer;
	*pfd = -1;
	for (cm = n >= 0 ? CMSG_FIRSTHDR(&msg) : NULL; cm != NULL;
	    cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(cred))) {
			memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
			*pid = cred.pid;
		} else if (cm->cmsg_type == SCM_PIDFD || cm->cmsg_type == SCM_RIGHTS) {
			for (i = 0; CMSG_LEN((i + 1) * sizeof(int)) <= cm->cmsg_len;
			    i++) {
				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
				if (cm->cmsg_type == SCM_PIDFD && *pfd < 0)
					*pfd = fd;
				else
					close(fd);
			}
		}
	}
	if (n < 1 || (unsigned char)buf[0] != BC_ACK || *pid <= 0) {
		if (*pfd >= 0)
			close(*pfd);
		return -1;
	}
	if (*pfd < 0)
		*pfd = (int)syscall(SYS_pidfd_open, *pid, 0);
	for (i = 1, k = 0; i < (size_t)n && k + 1 < namelen; i++)
		if (buf[i] > ' ' && buf[i] < 0x7f)
			name[k++] = buf[i];
	name[k] = '\0';
	if (k == 0)
		snprintf(name, namelen, "?");
	return 0;
}

/*
 * Wait up to ACK_TIMEOUT_MS for the client on C (pid PEER when it connected)
 * to exec (its end closes) or leave; return read_ack's answer.  Giving up
 * shuts the connection for reading first, so that a client acking later
 * fails to, and knows.
 */
static int
wait_ack(int c, pid_t peer, pid_t *pid, int *pfd, char *name, size_t namelen)
{
	struct pollfd p[NPOLL];
	long long deadline = now_ms() + ACK_TIMEOUT_MS, left;

	/*
	 * The ack is read once the connection closes, not when it arrives:
	 * waking for it would run us on the client's CPU just before its exec.
	 */
	watch(p, -1, c);
	p[P_OTHER].events = 0;
	while (!(p[P_OTHER].revents & (POLLHUP | POLLERR))) {
		left = deadline - now_ms();
		if (left <= 0) {
			if (shutdown(c, SHUT_RD) < 0)
				return -1;
			break;
		}
		if (poll(p, NPOLL, left) < 0) {
			if (errno != EINTR)
				return -1;
			continue;
		}
		if (p[P_TTY].revents & (POLLHUP | POLLERR | POLLNVAL))
			stop(0);
		if (p[P_SIG].revents & POLLIN)
			handle_signals(1);
	}
	return read_ack(c, peer, pid, pfd, name, namelen);
}

/*
 * Succeed if the peer on C has an address of its own: it asks for our
 * state; a hand-off client's socket is unbound.
 */
static int
is_query(int c)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);

	return getpeername(c, (struct sockaddr *)&sun, &len) == 0 &&
	    len > offsetof(struct sockaddr_un, sun_path);
}

/* Tell the peer on C, if allowed, "waiting" or "busy PID NAME". */
static void
answer_query(int c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char buf[64];
	int n;

	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    !allowed(cred.uid))
		return;
	if (holder > 0)
		n = snprintf(buf, sizeof(buf), "busy %d %s\n", (int)holder,
		    holder_name);
	else
		n = snprintf(buf, sizeof(buf), "waiting\n");
	if (send(c, buf, n, MSG_NOSIGNAL) < 0)
		info("unable to answer pid %d's query:", (int)cred.pid);
}

/* Turn away connections while busy: allowed peers are told so, others not. */
static void
refuse_busy(void)
{
	static const unsigned char busy = BC_BUSY;
	struct ucred cred;
	socklen_t len;
	int c;

	while ((c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		len = sizeof(cred);
		if (is_query(c))
			answer_query(c);
		else if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
		    allowed(cred.uid) &&
		    send(c, &busy, 1, MSG_NOSIGNAL) < 0)
			info("unable to tell pid %d that we are busy:", (int)cred.pid);
		close(c);
	}
	if ((errno == EMFILE || errno == ENFILE) && poll(NULL, 0, 100) < 0 &&
	    errno != EINTR)
		warn("unable to wait:");
}

/*
 * Hold the window while the process PID (pidfd PFD, or -1) lives; return when
 * it has gone, before turning away a client that came after it.
 */
static void
serve_busy(pid_t pid, int pfd)
{
	struct pollfd p[NPOLL];
	int r;

	watch(p, lfd, pfd);
	for (;;) {
		r = poll(p, NPOLL, pfd >= 0 ? -1 : 1000);
		if (r < 0 && errno != EINTR)
			fatal(EX_SYS, "unable to poll:");
		if (r < 0)
			continue;
		if (p[P_TTY].revents & (POLLHUP | POLLERR | POLLNVAL))
			stop(0);
		if (p[P_SIG].revents & POLLIN)
			handle_signals(1);
		if (pfd >= 0 ? (p[P_OTHER].revents & POLLIN) != 0 :
		    (pid > 0 && kill(pid, 0) < 0 && errno != EPERM))
			return;
		if (p[P_LISTEN].revents & POLLIN)
			refuse_busy();
	}
}

/*
 * Restart output a program may have left stopped (^S), and restore the
 * terminal settings saved at start if the program changed them.
 */
static void
restore_terminal(void)
{
	struct termios now;

	/* TCOON alone undoes only TCOOFF; after TCOOFF it also undoes ^S. */
	if (tcflow(0, TCOOFF) < 0 || tcflow(0, TCOON) < 0)
		info("unable to restart the terminal's output:");
	if (!have_tio || (tcgetattr(0, &now) == 0 &&
	    memcmp(&now, &saved_tio, sizeof(now)) == 0))
		return;
	if (tcsetattr(0, TCSANOW, &saved_tio) < 0)
		info("unable to restore the terminal settings:");
}

/*
 * Serve connection C: check the peer, hand over, hold while the peer lives;
 * then say so, and unless ONCE that we wait again.
 */
static int
serve(int c, int once)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char name[BC_NAME_MAX + 2];
	pid_t pid;
	int pfd;

	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		warn("unable to read a peer's credentials:");
		return -1;
	}
	if (!allowed(cred.uid)) {
		say(1, "refused uid %u (pid %d)", (unsigned)cred.uid,
		    (int)cred.pid);
		return -1;
	}
	info("connection from pid %d (uid %u)", (int)cred.pid,
	    (unsigned)cred.uid);
	if (send_terminal(c) < 0) {
		info("unable to send the terminal to pid %d:", (int)cred.pid);
		return -1;
	}
	if (wait_ack(c, cred.pid, &pid, &pfd, name, sizeof(name)) < 0) {
		info("hand-off to pid %d did not complete", (int)cred.pid);
		return -1;
	}
	close(c);
	holder = pid;
	memcpy(holder_name, name, sizeof(holder_name));
	serve_busy(pid, pfd);
	holder = -1;
	if (pfd >= 0)
		close(pfd);
	restore_terminal();
	/* One write for both lines: the window's reader wakes once. */
	if (once)
		say(0, "pid %d (%s) exited", (int)pid, name);
	else
		say(0, "pid %d (%s) exited\r\nbootcon: waiting on %s",
		    (int)pid, name, sockname);
	return 0;
}

/* Serve connections one at a time; with ONCE, stop after the first hand-off. */
static void __attribute__((noreturn))
serve_forever(int once)
{
	struct pollfd p[NPOLL];
	int c;

	watch(p, lfd, -1);
	for (;;) {
		if (poll(p, NPOLL, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal(EX_SYS, "unable to poll:");
		}
		if (p[P_TTY].revents & (POLLHUP | POLLERR | POLLNVAL))
			stop(0);
		if (p[P_SIG].revents & POLLIN)
			handle_signals(0);
		if (!(p[P_LISTEN].revents & POLLIN))
			continue;
		c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c < 0) {
			if ((errno == EMFILE || errno == ENFILE) &&
			    poll(NULL, 0, 100) < 0 && errno != EINTR)
				warn("unable to wait:");
			continue;
		}
		if (is_query(c)) {
			answer_query(c);
			close(c);
			continue;
		}
		if (serve(c, once) < 0) {
			close(c);
			continue;
		}
		if (once)
			stop(0);
	}
}

/* As a client, ask the server on the socket for its state; print it. */
static int
query(void)
{
	struct sockaddr_un me;
	struct pollfd p;
	long long end = now_ms() + 2000, left;
	char buf[128];
	size_t got = 0;
	ssize_t n;
	int r;

	p.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p.fd < 0)
		fatal(EX_SYS, "unable to create a socket:");
	/* An address of our own (autobind) is what makes this a query. */
	memset(&me, 0, sizeof(me));
	me.sun_family = AF_UNIX;
	if (bind(p.fd, (struct sockaddr *)&me, sizeof(sa_family_t)) < 0)
		fatal(EX_SYS, "unable to bind a socket:");
	if (connect(p.fd, (struct sockaddr *)&addr.sun, addr.len) < 0)
		fatal(EX_SYS, "unable to connect to %s:", sockname);
	p.events = POLLIN;
	while (got < sizeof(buf) - 1 && memchr(buf, '\n', got) == NULL) {
		left = end - now_ms();
		r = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			fatal(EX_SYS, "no answer from %s", sockname);
		n = read(p.fd, buf + got, sizeof(buf) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	if (got == 0 || buf[got - 1] != '\n')
		fatal(EX_REFUSED, "%s did not answer (not allowed, or no bootcon-server)",
		    sockname);
	if (fwrite(buf, 1, got, stdout) != got || fflush(stdout) != 0)
		fatal(EX_SYS, "unable to write the answer:");
	return 0;
}

/* Parse a -u argument, a uid number or a user name, into *UID; 0 or -1. */
static int
parse_uid(const char *s, uid_t *uid)
{
	struct passwd *pw;
	unsigned long u;
	char *end;

	errno = 0;
	u = strtoul(s, &end, 10);
	if (*s >= '0' && *s <= '9' && *end == '\0' && errno == 0 &&
	    u < (uid_t)-1) {
		*uid = (uid_t)u;
		return 0;
	}
	pw = getpwnam(s);
	if (pw == NULL)
		return -1;
	*uid = pw->pw_uid;
	return 0;
}

/* Report a failure to start on the readiness fd: "CODE MESSAGE". */
static void
notify_failure(int code, const char *msg, size_t len)
{
	char buf[600];
	int n;

	if (notify < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%d %.*s", code, (int)len, msg);
	if (n > 0 && write(notify, buf, (size_t)n < sizeof(buf) ? (size_t)n :
	    sizeof(buf) - 1) < 0)
		n = 0;
	close(notify);
	notify = -1;
}

#define ERRLEN 200

/* Note the first usage error of the command line in ERR (ERRLEN bytes). */
static void __attribute__((format(printf, 2, 3)))
usage_error(char *err, const char *fmt, ...)
{
	va_list ap;

	if (*err != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(err, ERRLEN, fmt, ap);
	va_end(ap);
}

/* Check the window, listen, and serve its terminal until stopped. */
int
main(int argc, char **argv)
{
	int once = 0, ask = 0, opt, fds[3] = { 0, 1, 2 }, flags[3];
	const char *sopt = NULL;
	char why[128], err[ERRLEN] = "", *end;
	uid_t uid;
	long l;

	progname = "bootcon-server";
	uids[nuids++] = 0;
	uids[nuids++] = geteuid();
	opterr = 0;
	/* The whole line first: a usage error is reported on -d's fd too. */
	while ((opt = getopt(argc, argv, ":s:u:1d:qvhQ")) != -1) {
		switch (opt) {
		case 's': sopt = optarg; break;
		case 'Q': ask = 1; break;
		case 'u':
			if (parse_uid(optarg, &uid) < 0)
				usage_error(err, "unknown user: %s", optarg);
			else if (nuids == MAXUIDS + 2)
				usage_error(err, "too many -u");
			else
				uids[nuids++] = uid;
			break;
		case '1': once = 1; break;
		case 'd':
			l = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || l < 3 || l > INT_MAX)
				usage_error(err, "bad fd: %s (a number of 3 or more)",
				    optarg);
			else
				notify = (int)l;
			break;
		case 'q': verbosity = -1; break;
		case 'v': verbosity = 1; break;
		case 'h':
			printf("%s\n", USAGE);
			return 0;
		case ':':
			usage_error(err, "option -%c needs an argument (usage: "
			    "bootcon-server -h)", optopt);
			break;
		default:
			usage_error(err, "unknown option -%c (usage: "
			    "bootcon-server -h)", optopt);
		}
	}
	if (notify >= 0 && fcntl(notify, F_GETFD) < 0) {
		opt = notify;
		notify = -1;
		fatal(EX_USAGE, "bad notification fd %d:", opt);
	}
	fatal_notify = notify_failure;
	if (*err != '\0')
		fatal(EX_USAGE, "%s", err);
	if (optind != argc)
		fatal(EX_USAGE, "unexpected argument: %s", argv[optind]);
	sockname = bc_socket_name(sopt);
	if (bc_addr_parse(&addr, sockname) < 0)
		fatal(EX_USAGE, "bad socket name %.100s: %s", sockname,
		    errno == ENAMETOOLONG ? "too long" : sockname[0] == '@' ?
		    "an abstract name needs a character after @" :
		    "neither @name nor a path");
	if (ask && (once || notify >= 0 || nuids > 2))
		fatal(EX_USAGE, "-Q takes no option but -s, -q and -v");
	if (ask)
		return query();
	if (same_terminal(fds, flags, why, sizeof(why)) < 0)
		fatal(EX_REFUSED, "fds 0, 1 and 2 must be one terminal: %s", why);
	have_tio = tcgetattr(0, &saved_tio) == 0;
	fatal_cleanup = cleanup;
	message_budget = say_budget;
	listen_socket();
	release_window();
	setup_signals();
	say(0, "waiting on %s", sockname);
	if (notify >= 0) {
		if (write(notify, "\n", 1) < 0)
			warn("unable to notify readiness on fd %d:", notify);
		close(notify);
		notify = -1;
	}
	serve_forever(once);
}
