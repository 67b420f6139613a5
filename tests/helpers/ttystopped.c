/*
 * ttystopped: tell whether a terminal's output is stopped (^S, or TCOOFF).
 *
 *	ttystopped TTY
 *
 * Exits 0 if terminal TTY has no room for output (its output stopped), 1 if
 * it would take output now.  It opens TTY for writing without making it a
 * controlling terminal and writes nothing.
 */
#include <fcntl.h>
#include <poll.h>

#include "helper.h"

#define NAME "ttystopped"

/* Poll TTY for room to write, without waiting. */
int
main(int argc, char **argv)
{
	struct pollfd p;
	int r;

	if (argc != 2)
		die(NAME, 100, "usage: ttystopped TTY");
	p.fd = open(argv[1], O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (p.fd < 0)
		die(NAME, 111, "open %s:", argv[1]);
	p.events = POLLOUT;
	r = poll(&p, 1, 0);
	if (r < 0)
		die(NAME, 111, "poll:");
	return r == 0 ? 0 : 1;
}
