/*
 * Shared bits of bootcon's test helpers (fakeserver, fakeclient, fdprobe,
 * setstate): messages, socket addresses and a signal-name table.
 * Everything is static inline so each helper builds from its own .c file.
 */
#ifndef BOOTCON_TEST_HELPER_H
#define BOOTCON_TEST_HELPER_H

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Print "NAME: MESSAGE" on stderr (with strerror when it ends in ':'), exit CODE. */
static inline void __attribute__((format(printf, 3, 4), noreturn))
die(const char *name, int code, const char *fmt, ...)
{
	va_list ap;
	int e = errno;
	size_t n = strlen(fmt);

	fprintf(stderr, "%s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(e));
	fputc('\n', stderr);
	exit(code);
}

/* Fill SUN from NAME ("@abstract" or a path); return the address length or 0 if too long. */
static inline socklen_t
mkaddr(struct sockaddr_un *sun, const char *name)
{
	size_t n = strlen(name);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n >= sizeof(sun->sun_path))
		return 0;
	memcpy(sun->sun_path, name, n);
	if (name[0] == '@') {
		sun->sun_path[0] = '\0';
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	}
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

/*
 * Send LEN bytes of BUF on S with the N fds of FDS attached (at most 16;
 * none if N is 0); return sendmsg's result.
 */
static inline ssize_t
send_fds(int s, const void *buf, size_t len, const int *fds, int n)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(16 * sizeof(int))];
	} u;
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg;
	struct cmsghdr *cm;

	if (n > 16)
		n = 16;
	memset(&msg, 0, sizeof(msg));
	memset(&u, 0, sizeof(u));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (n > 0) {
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	}
	return sendmsg(s, &msg, MSG_NOSIGNAL);
}

/* Count the fds open in this process, below 256. */
static inline int
count_open_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 256; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/* Parse a signal given as a number or a name with or without "SIG"; return 0 if unknown. */
static inline int
signum(const char *s)
{
	static const struct { const char *name; int sig; } tab[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
		{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },
		{ "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
		{ "CONT", SIGCONT }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
		{ "TTOU", SIGTTOU }, { "WINCH", SIGWINCH },
	};
	char *end;
	long n;
	size_t i;

	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(s, tab[i].name) == 0)
			return tab[i].sig;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || n <= 0 || n >= NSIG)
		return 0;
	return (int)n;
}

#endif
