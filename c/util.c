/* Shared helpers of bootcon-server and bootcon-exec. */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bootcon.h"

const char *progname = "bootcon";
int verbosity;
void (*fatal_cleanup)(void);
long long (*message_budget)(void);
void (*fatal_notify)(int, const char *, size_t);

/* A line that timed out leaves the stream stalled: later ones do not wait. */
static int stalled;

/* Interrupt a write that outlived its budget; nothing else to do. */
static void
on_alarm(int sig)
{
	(void)sig;
}

/*
 * Write LEN bytes of BUF to FD, waiting at most MS milliseconds for room (a
 * terminal whose output is stopped has none); what is left then is dropped.
 * Return 0 if all was written, else -1.
 */
int
write_within(int fd, const void *buf, size_t len, long long ms)
{
	static int armed;
	struct itimerval it, off;
	struct sigaction sa;
	struct pollfd p;
	const char *b = buf;
	long long end, left;
	ssize_t n;
	int r;

	if (!armed) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		if (sigaction(SIGALRM, &sa, NULL) < 0)
			return -1;
		armed = 1;
	}
	memset(&off, 0, sizeof(off));
	end = now_ms() + (stalled ? 0 : ms);
	p.fd = fd;
	p.events = POLLOUT;
	while (len > 0) {
		left = end - now_ms();
		if (left < 0)
			left = 0;
		/* parse_seconds keeps every deadline within an int of ms. */
		r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || !(p.revents & POLLOUT)) {
			stalled = r == 0;
			return -1;
		}
		/*
		 * Room for some, maybe not all: the timer ends a write that
		 * waits, 1 ms past what is left (0 would disarm it), with
		 * tv_usec below a second (else setitimer fails: EINVAL).
		 */
		memset(&it, 0, sizeof(it));
		it.it_value.tv_sec = (left + 1) / 1000;
		it.it_value.tv_usec = (left + 1) % 1000 * 1000;
		if (setitimer(ITIMER_REAL, &it, NULL) < 0)
			return -1;
		n = write(fd, b, len);
		r = errno;
		if (setitimer(ITIMER_REAL, &off, NULL) < 0)
			return -1;
		if (n < 0 && r != EINTR && r != EAGAIN) {
			errno = r;
			return -1;
		}
		if (n > 0) {
			b += n;
			len -= n;
		}
		if (len > 0 && now_ms() >= end) {
			stalled = 1;
			return -1;
		}
	}
	stalled = 0;
	return 0;
}

/*
 * Format "prog: level: message[: strerror]\n" into BUF (SIZE bytes, at least
 * 2); return its length and, in MSG, where the message starts; 0 on error.
 */
static size_t
format_line(char *buf, size_t size, size_t *msg, const char *level,
    const char *fmt, va_list ap)
{
	int saved = errno, n, m;
	size_t len;

	n = snprintf(buf, size, "%s: %s: ", progname, level);
	if (n < 0 || (size_t)n >= size)
		return 0;
	*msg = n;
	m = vsnprintf(buf + n, size - n, fmt, ap);
	if (m < 0)
		return 0;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == ':')
		snprintf(buf + len, size - len, " %s", strerror(saved));
	len = strlen(buf);
	if (len + 1 < size)
		buf[len++] = '\n';
	else
		buf[len - 1] = '\n';
	errno = saved;
	return len;
}

/* Write the line LEN bytes of BUF to stderr, within the message budget. */
static void
write_line(const char *buf, size_t len)
{
	int saved = errno;

	if (message_budget != NULL) {
		if (write_within(2, buf, len, message_budget()) < 0)
			len = 0;
	} else if (write(2, buf, len) < 0)
		len = 0;
	errno = saved;
}

/* Write one "prog: level: message[: strerror]" line to stderr in one call. */
static void
vmessage(const char *level, const char *fmt, va_list ap)
{
	char buf[512];
	size_t len, msg;

	len = format_line(buf, sizeof(buf), &msg, level, fmt, ap);
	if (len > 0)
		write_line(buf, len);
}

/*
 * Print a fatal error (a trailing ':' in FMT appends strerror), pass it to
 * the program's fatal_notify, run its cleanup and exit.
 */
void
fatal(int code, const char *fmt, ...)
{
	char buf[512];
	size_t len, msg;
	va_list ap;

	va_start(ap, fmt);
	len = format_line(buf, sizeof(buf), &msg, "fatal", fmt, ap);
	va_end(ap);
	if (len > 0) {
		write_line(buf, len);
		if (fatal_notify != NULL)
			fatal_notify(code, buf + msg, len - msg);
	}
	if (fatal_cleanup != NULL)
		fatal_cleanup();
	_exit(code);
}

/* Print a warning unless -q was given. */
void
warn(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < 0)
		return;
	va_start(ap, fmt);
	vmessage("warning", fmt, ap);
	va_end(ap);
}

/* Print an informational line when -v was given. */
void
info(const char *fmt, ...)
{
	va_list ap;

	if (verbosity <= 0)
		return;
	va_start(ap, fmt);
	vmessage("info", fmt, ap);
	va_end(ap);
}

/* Return the socket to use: the option's, $BOOTCON_SOCKET or the default. */
const char *
bc_socket_name(const char *opt)
{
	const char *env;

	if (opt != NULL)
		return opt;
	env = getenv("BOOTCON_SOCKET");
	if (env != NULL && *env != '\0')
		return env;
	return BC_DEFAULT_SOCKET;
}

/*
 * Fill A from NAME ("@abstract" or a path containing '/'); return 0, or -1
 * with errno ENAMETOOLONG or EINVAL.
 */
int
bc_addr_parse(struct bc_addr *a, const char *name)
{
	size_t n = strlen(name);

	memset(a, 0, sizeof(*a));
	a->sun.sun_family = AF_UNIX;
	if (name[0] == '@') {
		if (n < 2) {
			errno = EINVAL;
			return -1;
		}
		if (n > sizeof(a->sun.sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(a->sun.sun_path + 1, name + 1, n - 1);
		a->len = offsetof(struct sockaddr_un, sun_path) + n;
		a->abstract = 1;
		return 0;
	}
	if (strchr(name, '/') == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (n >= sizeof(a->sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(a->sun.sun_path, name, n);
	a->len = offsetof(struct sockaddr_un, sun_path) + n + 1;
	return 0;
}

/* Set MSG up for the tag byte TAG and the control buffer CTL of LEN bytes. */
void
bc_msg_init(struct msghdr *msg, struct iovec *iov, unsigned char *tag,
    void *ctl, size_t len)
{
	memset(msg, 0, sizeof(*msg));
	iov->iov_base = tag;
	iov->iov_len = 1;
	msg->msg_iov = iov;
	msg->msg_iovlen = 1;
	msg->msg_control = ctl;
	msg->msg_controllen = len;
}

/*
 * As a session leader, give up the controlling terminal open on FD; the
 * SIGHUP and SIGCONT that TIOCNOTTY sends our own group are ignored.
 */
int
release_ctty(int fd)
{
	struct sigaction ign, oldhup, oldcont;
	int r, e;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	if (sigaction(SIGHUP, &ign, &oldhup) < 0)
		return -1;
	if (sigaction(SIGCONT, &ign, &oldcont) < 0) {
		e = errno;
		if (sigaction(SIGHUP, &oldhup, NULL) < 0)
			warn("unable to restore SIGHUP:");
		errno = e;
		return -1;
	}
	r = ioctl(fd, TIOCNOTTY);
	e = errno;
	if (sigaction(SIGHUP, &oldhup, NULL) < 0 ||
	    sigaction(SIGCONT, &oldcont, NULL) < 0)
		warn("unable to restore SIGHUP and SIGCONT:");
	errno = e;
	return r;
}

/* Return CLOCK_MONOTONIC in milliseconds. */
long long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * After a read of LEN bytes into a buffer of SIZE from a multiplexer's copy
 * of a window (tmux's pipe-pane, screen's log), wait FLOOD_PAUSE_NS when it
 * was a flood's (FLOOD_READ or more) and the buffer is not full (no
 * backlog): the multiplexer then finds the copy's reader busy and its
 * buffer filling, and writes the copy in a few big writes instead of one
 * (and a wake-up of ours) per read of the window.
 */
void
flood_pause(size_t len, size_t size)
{
	const struct timespec pause = { 0, FLOOD_PAUSE_NS };

	if (len >= FLOOD_READ && len < size && nanosleep(&pause, NULL) < 0 &&
	    errno != EINTR)
		warn("unable to pause:");
}

/*
 * Check that FDS are one terminal: opens of one and the same terminal
 * device node (never a pty's master side, nor /dev/tty, which names whatever
 * terminal its opener had), the first readable, the others writable; store
 * their file status flags in FLAGS; on failure describe why in WHY and
 * return -1.
 */
int
same_terminal(const int fds[3], int flags[3], char *why, size_t whylen)
{
	struct stat st[3];
	int i, fl, ptn;

	for (i = 0; i < 3; i++) {
		if (fstat(fds[i], &st[i]) < 0) {
			snprintf(why, whylen, "fd %d: %s", i, strerror(errno));
			return -1;
		}
		/* The node, not just the number: ptys of two devpts share numbers. */
		if (st[i].st_rdev != st[0].st_rdev || st[i].st_dev != st[0].st_dev ||
		    st[i].st_ino != st[0].st_ino) {
			snprintf(why, whylen, "fds 0 and %d are different terminals", i);
			return -1;
		}
		/* One node: what holds for fd 0 holds for all. */
		if (i == 0 && (!S_ISCHR(st[0].st_mode) || !isatty(fds[0]))) {
			snprintf(why, whylen, "fd 0 is not a terminal");
			return -1;
		}
		if (i == 0 && (ioctl(fds[0], TIOCGPTN, &ptn) == 0 ||
		    st[0].st_rdev == makedev(5, 2) || major(st[0].st_rdev) == 2)) {
			snprintf(why, whylen, "fd 0 is the master side of a pty");
			return -1;
		}
		if (i == 0 && st[0].st_rdev == makedev(5, 0)) {
			snprintf(why, whylen, "fd 0 is /dev/tty, not a terminal of its own");
			return -1;
		}
		fl = fcntl(fds[i], F_GETFL);
		if (fl < 0) {
			snprintf(why, whylen, "fd %d: %s", i, strerror(errno));
			return -1;
		}
		flags[i] = fl;
		fl &= O_ACCMODE;
		if (i == 0 ? fl == O_WRONLY : fl == O_RDONLY) {
			snprintf(why, whylen, "fd %d is not open for %s", i,
			    i == 0 ? "reading" : "writing");
			return -1;
		}
	}
	return 0;
}

/*
 * Parse a positive number of seconds (fractions allowed, at most 2000000, so
 * that milliseconds fit poll's int) into milliseconds.
 */
int
parse_seconds(const char *s, long long *ms)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(d) ||
	    d <= 0 || d > 2000000.0)
		return -1;
	*ms = (long long)(d * 1000.0 + 0.5);
	if (*ms < 1)
		*ms = 1;
	return 0;
}
