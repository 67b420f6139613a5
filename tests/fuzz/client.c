/*
 * libFuzzer harness for bootcon-exec's receive and validation path: each
 * input is a hostile server's answer (tag byte, 0-3 messages of 0-10 fds of
 * assorted kinds, sent whole or split, the connection left open or closed),
 * fed to receive_terminal() over a socketpair.  It aborts if a refused
 * answer leaks an fd, or an accepted one is not three opens of one pty
 * slave that was sent.
 */
#include <stdint.h>

#include "../helpers/helper.h"

#define main bootcon_exec_main
#include "bootcon-exec.c"
#undef main

enum { K_SLAVE_A, K_SLAVE_B, K_SLAVE_A_RO, K_MASTER_A, K_MASTER_B, K_NULL,
	K_PIPE_R, K_PIPE_W, K_SOCKET, K_FILE, K_TTY, K_DIR, NKINDS };

static int kinds[NKINDS];
static struct stat slave_a, slave_b;
static struct client fuzz_client;

/* Open a new pty; return its master and put a slave opened with FLAGS in *S. */
static int
new_pty(int *s, int flags)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		abort();
	*s = open(ptsname(m), flags | O_NOCTTY | O_CLOEXEC);
	if (*s < 0)
		abort();
	return m;
}

/* Open one fd of every kind the inputs pick from, once. */
static void
setup(void)
{
	int p[2], sp[2], ro;

	kinds[K_MASTER_A] = new_pty(&kinds[K_SLAVE_A], O_RDWR);
	kinds[K_MASTER_B] = new_pty(&kinds[K_SLAVE_B], O_RDWR);
	ro = open(ptsname(kinds[K_MASTER_A]), O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (ro < 0 || pipe2(p, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		abort();
	kinds[K_SLAVE_A_RO] = ro;
	kinds[K_PIPE_R] = p[0];
	kinds[K_PIPE_W] = p[1];
	kinds[K_SOCKET] = sp[0];
	kinds[K_NULL] = open("/dev/null", O_RDWR | O_CLOEXEC);
	kinds[K_FILE] = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	kinds[K_DIR] = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	kinds[K_TTY] = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (kinds[K_TTY] < 0)
		kinds[K_TTY] = kinds[K_NULL];
	if (kinds[K_NULL] < 0 || kinds[K_FILE] < 0 || kinds[K_DIR] < 0 ||
	    fstat(kinds[K_SLAVE_A], &slave_a) < 0 ||
	    fstat(kinds[K_SLAVE_B], &slave_b) < 0)
		abort();
	fuzz_client.name = "@fuzz";
	timeout = 1;
}

/* Send one message: TAG (or no data if NODATA) with N fds of KIND bytes K. */
static void
send_msg(int s, unsigned char tag, const uint8_t *k, int n, int nodata)
{
	int fds[10], i;

	for (i = 0; i < n && i < 10; i++)
		fds[i] = kinds[k[i] % NKINDS];
	/* A message with fds but no data is refused by the kernel: fine. */
	if (send_fds(s, &tag, nodata ? 0 : 1, fds, i) < 0 && errno != EINVAL &&
	    errno != EPIPE)
		abort();
}

/* Abort unless FDS are three opens of one of the pty slaves sent. */
static void
check_accepted(const int fds[3])
{
	struct stat st[3];
	int i;

	for (i = 0; i < 3; i++)
		if (fstat(fds[i], &st[i]) < 0 || st[i].st_dev != st[0].st_dev ||
		    st[i].st_ino != st[0].st_ino)
			abort();
	if (!(st[0].st_dev == slave_a.st_dev && st[0].st_ino == slave_a.st_ino) &&
	    !(st[0].st_dev == slave_b.st_dev && st[0].st_ino == slave_b.st_ino))
		abort();
}

/*
 * Input: byte 0 the tag (mostly BC_TAG), byte 1 flags (bits 0-1: messages,
 * bit 2: close after sending, bit 3: a message without data first), then
 * per message a count byte (0-10) and that many kind bytes.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t len)
{
	static int ready;
	int sv[2], rfd[3] = { -1, -1, -1 }, flags[3], before, nmsg, i, n, r;
	char why[WHYLEN];
	unsigned char tag;
	size_t off = 2;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (len < 2)
		return 0;
	tag = d[0] < 0x80 ? BC_TAG : d[0];
	nmsg = d[1] & 3;
	before = count_open_fds();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
	    sv) < 0)
		abort();
	if (d[1] & 8)
		send_msg(sv[1], tag, NULL, 0, 1);
	for (i = 0; i < nmsg && off < len; i++) {
		n = d[off++] % 11;
		if (off + n > len)
			n = (int)(len - off);
		send_msg(sv[1], i == 0 ? tag : d[off - 1], d + off, n, 0);
		off += n;
	}
	if (d[1] & 4)
		close(sv[1]);
	deadline = 0;
	r = receive_terminal(&fuzz_client, sv[0], rfd, flags, why);
	if (r == 0) {
		check_accepted(rfd);
		close_all(rfd, 3);
	}
	close(sv[0]);
	if (!(d[1] & 4))
		close(sv[1]);
	if (count_open_fds() != before)
		abort();
	return 0;
}
