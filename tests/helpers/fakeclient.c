/*
 * fakeclient: a hostile (or deliberately plain) bootcon client for tests.
 *
 *	fakeclient [-s SOCKET] [-w SECONDS] MODE
 *
 * Connects once to SOCKET (default @init_console) and then, by MODE:
 *
 *	leave    closes the connection at once
 *	garbage  writes garbage bytes, then waits for the server to close
 *	noread   never reads
 *	noack    reads the message and its fds, never acknowledges
 *	badack   reads the message and its fds, answers a wrong byte
 *	ack      reads the message, acknowledges as "fakeclient" like a real
 *	         client would just before exec, and keeps the fds
 *	forkack  reads the message and forks; the child acknowledges and
 *	         keeps the fds, the parent exits once it has ("child N acked")
 *
 * Every mode but leave then holds whatever it got for -w SECONDS (default
 * 60) or until killed; garbage, noack and badack stop early when the
 * server closes the connection (and noread never looks).  Events
 * go to stdout, one line each: "connected", "got tag 0xb1 fds 3",
 * "sent ack", "server closed", "done".
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootcon.h"
#include "helper.h"

#define NAME "fakeclient"

/* Print one event line on stdout at once. */
static void __attribute__((format(printf, 1, 2)))
event(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Receive the server's message on S, keeping its fds open, and log it. */
static void
receive(int s)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(8 * sizeof(int))];
	} u;
	unsigned char tag = 0;
	struct iovec iov = { &tag, 1 };
	struct msghdr msg;
	struct cmsghdr *cm;
	ssize_t r;
	int n = 0;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	do
		r = recvmsg(s, &msg, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		die(NAME, 111, "recvmsg:");
	if (r == 0) {
		event("server closed");
		return;
	}
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			n += (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	event("got tag 0x%02x fds %d", tag, n);
}

/* Wait until the server closes S or SECS seconds pass. */
static void
hold(int s, int secs)
{
	struct pollfd p = { s, POLLIN, 0 };
	char buf[64];

	event("holding");
	while (poll(&p, 1, secs * 1000) > 0) {
		if (read(s, buf, sizeof(buf)) <= 0) {
			event("server closed");
			return;
		}
	}
}

/*
 * Fork; the child sends the LEN bytes of ACK on S and holds the fds for SECS
 * seconds; the parent exits as soon as the child has acknowledged.
 */
static void
forkack(int s, const char *ack, size_t len, int secs)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		die(NAME, 111, "pipe:");
	pid = fork();
	if (pid < 0)
		die(NAME, 111, "fork:");
	if (pid == 0) {
		close(p[0]);
		if (write(s, ack, len) < 0)
			die(NAME, 111, "write:");
		close(s);
		event("child %d acked", (int)getpid());
		close(p[1]);
		sleep((unsigned)secs);
		exit(0);
	}
	close(p[1]);
	close(s);
	if (read(p[0], &c, 1) < 0)
		die(NAME, 111, "read:");
	event("parent %d exits", (int)getpid());
	exit(0);
}

/* Connect, misbehave as MODE says, and exit 0. */
int
main(int argc, char **argv)
{
	const char *sock = BC_DEFAULT_SOCKET, *mode;
	static const char junk[] = "hello\x06\xff garbage\n";
	static const char ack[] = "\x06" "fakeclient";
	struct sockaddr_un sun;
	socklen_t len;
	int opt, s, secs = 60;

	while ((opt = getopt(argc, argv, "s:w:")) != -1) {
		switch (opt) {
		case 's':
			sock = optarg;
			break;
		case 'w':
			secs = atoi(optarg);
			break;
		default:
			die(NAME, 100, "usage: fakeclient [-s SOCKET] [-w SECONDS] MODE");
		}
	}
	if (optind != argc - 1)
		die(NAME, 100, "usage: fakeclient [-s SOCKET] [-w SECONDS] MODE");
	mode = argv[optind];
	signal(SIGPIPE, SIG_IGN);
	if (!(len = mkaddr(&sun, sock)))
		die(NAME, 100, "name too long: %s", sock);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		die(NAME, 111, "socket:");
	if (connect(s, (struct sockaddr *)&sun, len) < 0)
		die(NAME, 111, "connect %s:", sock);
	event("connected");
	if (strcmp(mode, "leave") == 0) {
		close(s);
	} else if (strcmp(mode, "garbage") == 0) {
		if (write(s, junk, sizeof(junk) - 1) < 0)
			die(NAME, 111, "write:");
		event("sent garbage");
		hold(s, secs);
	} else if (strcmp(mode, "noread") == 0) {
		event("holding");
		sleep((unsigned)secs);
	} else if (strcmp(mode, "noack") == 0) {
		receive(s);
		hold(s, secs);
	} else if (strcmp(mode, "badack") == 0) {
		receive(s);
		if (write(s, "\x15", 1) < 0)
			die(NAME, 111, "write:");
		event("sent badack");
		hold(s, secs);
	} else if (strcmp(mode, "ack") == 0) {
		receive(s);
		if (write(s, ack, sizeof(ack) - 1) < 0)
			die(NAME, 111, "write:");
		event("sent ack");
		close(s);
		event("holding");
		sleep((unsigned)secs);
	} else if (strcmp(mode, "forkack") == 0) {
		receive(s);
		forkack(s, ack, sizeof(ack) - 1, secs);
	} else {
		die(NAME, 100, "unknown mode: %s", mode);
	}
	event("done");
	return 0;
}
