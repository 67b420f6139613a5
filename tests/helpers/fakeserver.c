/*
 * fakeserver: a hostile (or deliberately plain) bootcon server for tests.
 *
 *	fakeserver [-s SOCKET] [-d FD] MODE
 *
 * Listens on SOCKET (default @init_console) and answers every connection
 * with MODE, one connection after another, until killed:
 *
 *	nofds      tag byte, no fds          onefd     tag + 1 terminal fd
 *	fourfds    tag + 4 terminal fds      pipes     tag + 3 pipe fds
 *	devnull    tag + 3 x /dev/null       diffterms tag + fds of 2 terminals
 *	badtag     wrong tag + 3 good fds    garbage   text bytes, no fds
 *	silent     nothing, connection open  close     close at once
 *	busy       the "busy" byte           pty       a correct hand-off of a
 *	stdio      a correct hand-off of                fresh pty's fds
 *	           its own fds 0, 1, 2       masters   tag + the masters of 2
 *	devtty     tag + 3 x /dev/tty                  ptys (A, B, A)
 *	           (run it on a terminal)
 *
 * Terminal fds are slaves of ptys it opens itself (posix_openpt).  It logs
 * one line per event on stdout ("conn uid 0 pid 42", "opened /dev/pts/7"
 * for each pty whose slave it is about to send, "sent badtag", "ack
 * fdprobe", "noack eof", "released /dev/pts/7" when every copy of a pty
 * slave it sent has been closed, "peer closed").  With -d FD it writes
 * a newline to FD and closes it once it listens.  A path socket is left
 * behind when it dies (the stale-socket tests rely on that).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootcon.h"
#include "helper.h"

#define NAME "fakeserver"
#define MAXPOLL 64

enum kind { CONN, MASTER };

static struct pollfd pfd[MAXPOLL];
static enum kind kinds[MAXPOLL];
static char names[MAXPOLL][64];
static int npfd;

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

/* Add FD to the poll set as KIND, remembering LABEL for the log. */
static void
watch(int fd, enum kind kind, const char *label)
{
	if (npfd == MAXPOLL)
		die(NAME, 111, "too many open connections");
	pfd[npfd].fd = fd;
	pfd[npfd].events = kind == CONN ? POLLIN : 0;
	kinds[npfd] = kind;
	snprintf(names[npfd], sizeof(names[npfd]), "%s", label);
	npfd++;
}

/* Open a new pty, watch its master, and return a slave fd opened with FLAGS. */
static int
openpty_slave(int flags)
{
	int m, s;
	const char *name;

	if ((m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		die(NAME, 111, "posix_openpt:");
	if (grantpt(m) < 0 || unlockpt(m) < 0 || !(name = ptsname(m)))
		die(NAME, 111, "unlock pty:");
	if ((s = open(name, flags | O_NOCTTY | O_CLOEXEC)) < 0)
		die(NAME, 111, "open %s:", name);
	watch(m, MASTER, name);
	event("opened %s", name);
	return s;
}

/* Send the byte TAG with the N fds in FDS (none if N is 0) on socket C. */
static void
sendfds(int c, unsigned char tag, const int *fds, int n)
{
	if (send_fds(c, &tag, 1, fds, n) != 1)
		event("send failed: %s", strerror(errno));
}

/* Send TAG and N copies of one fresh pty slave (all the same terminal). */
static void
sendpty(int c, unsigned char tag, int n)
{
	int fds[8], i;

	fds[0] = openpty_slave(O_RDWR);
	for (i = 1; i < n; i++)
		if ((fds[i] = dup(fds[0])) < 0)
			die(NAME, 111, "dup:");
	sendfds(c, tag, fds, n);
	for (i = 0; i < n; i++)
		close(fds[i]);
}

/* Answer the new connection C according to MODE; return 0 if C was closed. */
static int
serve(int c, const char *mode)
{
	int fds[4], p[2], i;
	static const char junk[] = "GET / HTTP/1.0\r\n\r\n\xb1\x06garbage";

	if (strcmp(mode, "nofds") == 0) {
		sendfds(c, BC_TAG, NULL, 0);
	} else if (strcmp(mode, "onefd") == 0) {
		sendpty(c, BC_TAG, 1);
	} else if (strcmp(mode, "twofds") == 0) {
		sendpty(c, BC_TAG, 2);
	} else if (strcmp(mode, "fourfds") == 0) {
		sendpty(c, BC_TAG, 4);
	} else if (strcmp(mode, "badtag") == 0) {
		sendpty(c, BC_TAG + 1, 3);
	} else if (strcmp(mode, "pty") == 0) {
		sendpty(c, BC_TAG, 3);
	} else if (strcmp(mode, "pipes") == 0) {
		if (pipe2(p, O_CLOEXEC) < 0)
			die(NAME, 111, "pipe:");
		fds[0] = p[0];
		fds[1] = fds[2] = p[1];
		sendfds(c, BC_TAG, fds, 3);
		close(p[0]);
		close(p[1]);
	} else if (strcmp(mode, "devnull") == 0) {
		for (i = 0; i < 3; i++)
			if ((fds[i] = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
				die(NAME, 111, "open /dev/null:");
		sendfds(c, BC_TAG, fds, 3);
		for (i = 0; i < 3; i++)
			close(fds[i]);
	} else if (strcmp(mode, "diffterms") == 0) {
		fds[0] = openpty_slave(O_RDWR);
		fds[1] = openpty_slave(O_RDWR);
		fds[2] = fds[0];
		sendfds(c, BC_TAG, fds, 3);
		close(fds[0]);
		close(fds[1]);
	} else if (strcmp(mode, "masters") == 0) {
		for (i = 0; i < 2; i++)
			if ((fds[i] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
			    grantpt(fds[i]) < 0 || unlockpt(fds[i]) < 0)
				die(NAME, 111, "posix_openpt:");
		fds[2] = fds[0];
		sendfds(c, BC_TAG, fds, 3);
		close(fds[0]);
		close(fds[1]);
	} else if (strcmp(mode, "devtty") == 0) {
		if ((fds[0] = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0)
			die(NAME, 111, "open /dev/tty:");
		fds[1] = fds[2] = fds[0];
		sendfds(c, BC_TAG, fds, 3);
		close(fds[0]);
	} else if (strcmp(mode, "stdio") == 0) {
		fds[0] = 0, fds[1] = 1, fds[2] = 2;
		sendfds(c, BC_TAG, fds, 3);
	} else if (strcmp(mode, "garbage") == 0) {
		if (send(c, junk, sizeof(junk) - 1, MSG_NOSIGNAL) < 0)
			event("send failed: %s", strerror(errno));
	} else if (strcmp(mode, "busy") == 0) {
		sendfds(c, BC_BUSY, NULL, 0);
	} else if (strcmp(mode, "close") == 0) {
		close(c);
		event("closed at once");
		return 0;
	} else if (strcmp(mode, "silent") != 0) {
		die(NAME, 100, "unknown mode: %s", mode);
	}
	event("sent %s", mode);
	return 1;
}

/* Log what the peer on connection slot I sent back (an ack, garbage or EOF), and close on EOF. */
static void
readback(int i)
{
	unsigned char buf[64];
	ssize_t r;

	r = read(pfd[i].fd, buf, sizeof(buf) - 1);
	if (r < 0 && errno == EINTR)
		return;
	if (r > 0 && buf[0] == BC_ACK) {
		buf[r] = '\0';
		event("ack %s", (char *)buf + 1);
		return;
	}
	if (r > 0) {
		event("reply %zd bytes, first 0x%02x", r, buf[0]);
		return;
	}
	event("peer closed%s", r < 0 ? " (error)" : "");
	close(pfd[i].fd);
	pfd[i].fd = -1;
}

/* Bind and listen on NAME, replacing a stale path socket; return the socket. */
static int
listen_on(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	int s;

	if (!(len = mkaddr(&sun, name)))
		die(NAME, 100, "name too long: %s", name);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		die(NAME, 111, "socket:");
	if (name[0] != '@')
		unlink(name);
	if (bind(s, (struct sockaddr *)&sun, len) < 0)
		die(NAME, 111, "bind %s:", name);
	if (listen(s, 16) < 0)
		die(NAME, 111, "listen:");
	return s;
}

/* Accept a connection on L, log the peer and answer it with MODE. */
static void
accept_one(int l, const char *mode)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	int c;

	if ((c = accept4(l, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0)
		event("conn uid %u pid %d", (unsigned)cr.uid, (int)cr.pid);
	if (serve(c, mode))
		watch(c, CONN, "conn");
}

/* Listen, then answer connections and watch ptys forever. */
int
main(int argc, char **argv)
{
	const char *sock = BC_DEFAULT_SOCKET, *mode;
	int opt, rfd = -1, l, i, j;

	while ((opt = getopt(argc, argv, "s:d:")) != -1) {
		switch (opt) {
		case 's':
			sock = optarg;
			break;
		case 'd':
			rfd = atoi(optarg);
			break;
		default:
			die(NAME, 100, "usage: fakeserver [-s SOCKET] [-d FD] MODE");
		}
	}
	if (optind != argc - 1)
		die(NAME, 100, "usage: fakeserver [-s SOCKET] [-d FD] MODE");
	mode = argv[optind];
	signal(SIGPIPE, SIG_IGN);
	l = listen_on(sock);
	watch(l, CONN, "listen");
	event("listening on %s", sock);
	if (rfd >= 0) {
		if (write(rfd, "\n", 1) != 1)
			die(NAME, 111, "write readiness fd:");
		close(rfd);
	}
	for (;;) {
		if (poll(pfd, npfd, -1) < 0) {
			if (errno == EINTR)
				continue;
			die(NAME, 111, "poll:");
		}
		for (i = npfd - 1; i >= 0; i--) {
			if (!pfd[i].revents || pfd[i].fd < 0)
				continue;
			if (pfd[i].fd == l)
				accept_one(l, mode);
			else if (kinds[i] == CONN)
				readback(i);
			else if (pfd[i].revents & POLLHUP) {
				event("released %s", names[i]);
				close(pfd[i].fd);
				pfd[i].fd = -1;
			}
		}
		for (i = j = 0; i < npfd; i++) {
			if (pfd[i].fd < 0)
				continue;
			pfd[j] = pfd[i];
			kinds[j] = kinds[i];
			memmove(names[j], names[i], sizeof(names[j]));
			j++;
		}
		npfd = j;
	}
}
