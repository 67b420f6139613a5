/*
 * libFuzzer harness for bootcon-server's handling of a client's answer:
 * each input is what a hostile client sends back after the hand-off (bytes
 * in 1-4 writes, some with fds attached, the connection closed or left
 * open), fed to wait_ack() over a socketpair.  It aborts if an fd leaks, if
 * an answer not starting with the ack byte is taken for one, or if an ack
 * is not tied to its sender's pid with a printable program name.
 */
#include <stdint.h>

#include "../helpers/helper.h"

#define main bootcon_server_main
#include "bootcon-server.c"
#undef main

/* Send LEN bytes of BUF on S, with N copies of /dev/null's fd NUL attached. */
static void
send_part(int s, const uint8_t *buf, size_t len, int n, int nul)
{
	int fds[4] = { nul, nul, nul, nul };

	if (len > 0 && send_fds(s, buf, len, fds, n) < 0)
		abort();
}

/*
 * Input: byte 0 flags (bits 0-1: writes - 1, bit 2: leave the connection
 * open, which makes the server give up at once), then per write a length
 * byte (its low 2 bits also the number of fds attached) and the bytes.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t len)
{
	static const int one = 1;
	static int nul = -1;
	char name[BC_NAME_MAX + 2];
	int sv[2], before, parts, i, n, pfd, r, first = -1;
	size_t off = 1;
	pid_t pid;

	if (nul < 0) {
		nul = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (nul < 0 || (fcntl(0, F_GETFD) < 0 && open("/dev/null", O_RDONLY) != 0))
			abort();
	}
	if (len < 1)
		return 0;
	before = count_open_fds();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		abort();
	if (setsockopt(sv[0], SOL_SOCKET, SO_PASSPIDFD, &one, sizeof(one)) < 0 &&
	    errno != ENOPROTOOPT)
		abort();
	parts = (d[0] & 3) + 1;
	for (i = 0; i < parts && off < len; i++) {
		n = d[off] >> 2;
		if (first < 0 && n > 0 && off + 1 < len)
			first = d[off + 1];
		send_part(sv[1], d + off + 1,
		    off + 1 + n > len ? len - off - 1 : (size_t)n, d[off] & 3, nul);
		off += 1 + n;
	}
	if (!(d[0] & 4))
		close(sv[1]);
	else if (shutdown(sv[0], SHUT_RD) < 0)
		abort();
	r = d[0] & 4 ? read_ack(sv[0], -1, &pid, &pfd, name, sizeof(name)) :
	    wait_ack(sv[0], -1, &pid, &pfd, name, sizeof(name));
	if (r == 0) {
		if (first != BC_ACK || pid != getpid() || pfd < 0 ||
		    name[0] == '\0')
			abort();
		for (i = 0; name[i] != '\0'; i++)
			if (name[i] <= ' ' || name[i] >= 0x7f)
				abort();
		close(pfd);
	}
	close(sv[0]);
	if (d[0] & 4)
		close(sv[1]);
	if (count_open_fds() != before)
		abort();
	return 0;
}
