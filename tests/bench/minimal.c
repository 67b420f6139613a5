/*
 * minimal: bootcon's protocol cut down to its bare moves, the floor that
 * make bench measures a real hand-off against.
 *
 *	minimal -s @NAME [-w]		serve this terminal (fds 0-2)
 *	minimal -c @NAME PROG [ARG]...	take it and become PROG
 *
 * The client connects, receives three fds in one message, puts them on
 * 0-2, sends the one-byte acknowledgement and executes PROG: no checks, no
 * session or controlling terminal, no signal reset.  The server accepts,
 * sends fds 0-2, waits for the acknowledgement (or the connection's end),
 * and with -w then waits on a pidfd until the client's process has exited,
 * as any server that holds its window while the program lives must.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* Fill SUN with the abstract name @NAME; return its length, or 0 if bad. */
static socklen_t
address(struct sockaddr_un *sun, const char *name)
{
	size_t n = strlen(name);

	if (name[0] != '@' || n < 2 || n > sizeof(sun->sun_path))
		return 0;
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + 1, name + 1, n - 1);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

/* Hand fds 0-2 to each client; with WATCH, hold until its process exits. */
static int
serve(const struct sockaddr_un *sun, socklen_t len, int watch)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} cbuf;
	static const int fds[3] = { 0, 1, 2 };
	unsigned char tag = 0xb1, ack;
	struct iovec iov = { &tag, 1 };
	struct msghdr msg;
	struct pollfd p;
	socklen_t plen;
	int l, c, pfd;

	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (const struct sockaddr *)sun, len) < 0 ||
	    listen(l, 16) < 0) {
		perror("minimal: listen");
		return 1;
	}
	for (;;) {
		c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		pfd = -1;
		plen = sizeof(pfd);
		if (watch && getsockopt(c, SOL_SOCKET, SO_PEERPIDFD, &pfd, &plen) < 0)
			pfd = -1;
		memset(&cbuf, 0, sizeof(cbuf));
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		cbuf.h.cmsg_level = SOL_SOCKET;
		cbuf.h.cmsg_type = SCM_RIGHTS;
		cbuf.h.cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(&cbuf.h), fds, sizeof(fds));
		if (sendmsg(c, &msg, MSG_NOSIGNAL) == 1 &&
		    read(c, &ack, 1) == 1 && pfd >= 0) {
			p.fd = pfd;
			p.events = POLLIN;
			while (poll(&p, 1, -1) < 0 && errno == EINTR)
				;
		}
		if (pfd >= 0)
			close(pfd);
		close(c);
	}
}

/* Take the terminal from the server at SUN and execute PROG. */
static int
take(const struct sockaddr_un *sun, socklen_t len, char **prog)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} cbuf;
	unsigned char tag;
	struct iovec iov = { &tag, 1 };
	struct msghdr msg;
	int s, fds[3], i;

	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (const struct sockaddr *)sun, len) < 0)
		return 111;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	if (recvmsg(s, &msg, MSG_CMSG_CLOEXEC) != 1 || tag != 0xb1 ||
	    msg.msg_controllen < CMSG_LEN(sizeof(fds)))
		return 111;
	memcpy(fds, CMSG_DATA(&cbuf.h), sizeof(fds));
	for (i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0)
			return 111;
	if (send(s, "\6", 1, MSG_NOSIGNAL) != 1)
		return 111;
	execv(prog[0], prog);
	return 127;
}

/* Run as the server (-s) or the client (-c). */
int
main(int argc, char **argv)
{
	struct sockaddr_un sun;
	socklen_t len;

	if (argc < 3 || (len = address(&sun, argv[2])) == 0) {
		fprintf(stderr, "usage: minimal -s @NAME [-w] | -c @NAME PROG...\n");
		return 100;
	}
	if (strcmp(argv[1], "-s") == 0)
		return serve(&sun, len, argc > 3 && strcmp(argv[3], "-w") == 0);
	if (strcmp(argv[1], "-c") == 0 && argc > 3)
		return take(&sun, len, argv + 3);
	fprintf(stderr, "usage: minimal -s @NAME [-w] | -c @NAME PROG...\n");
	return 100;
}
