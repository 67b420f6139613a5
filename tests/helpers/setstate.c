/*
 * setstate: run a program with hostile inherited state.
 *
 *	setstate [-b SIGS] [-i SIGS] [-n FDS] [-k FD] [--] PROG [ARG]...
 *
 * -b blocks, -i ignores the comma-separated signals SIGS (names like INT or
 * numbers); -n sets O_NONBLOCK on the comma-separated fds FDS; -k opens
 * /dev/null on FD without close-on-exec (an extra inherited fd).  Then it
 * execs PROG, so bootcon-exec (or fdprobe) starts with that state.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"

#define NAME "setstate"
#define USAGE "usage: setstate [-b SIGS] [-i SIGS] [-n FDS] [-k FD] [--] PROG [ARG]..."

/* Call FN on each comma-separated item of LIST. */
static void
each(const char *list, void (*fn)(const char *))
{
	char buf[256], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		fn(p);
}

/* Block the signal named S. */
static void
block(const char *s)
{
	sigset_t set;
	int n = signum(s);

	if (!n)
		die(NAME, 100, "unknown signal: %s", s);
	sigemptyset(&set);
	sigaddset(&set, n);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die(NAME, 111, "sigprocmask:");
}

/* Ignore the signal named S. */
static void
ignore(const char *s)
{
	int n = signum(s);

	if (!n)
		die(NAME, 100, "unknown signal: %s", s);
	if (signal(n, SIG_IGN) == SIG_ERR)
		die(NAME, 111, "signal %s:", s);
}

/* Set O_NONBLOCK on the fd numbered S. */
static void
nonblock(const char *s)
{
	int fd = atoi(s), fl;

	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die(NAME, 111, "set O_NONBLOCK on fd %d:", fd);
}

/* Apply the options, then exec the program. */
int
main(int argc, char **argv)
{
	int opt, fd, k;

	while ((opt = getopt(argc, argv, "+b:i:n:k:")) != -1) {
		switch (opt) {
		case 'b':
			each(optarg, block);
			break;
		case 'i':
			each(optarg, ignore);
			break;
		case 'n':
			each(optarg, nonblock);
			break;
		case 'k':
			k = atoi(optarg);
			if ((fd = open("/dev/null", O_RDONLY)) < 0)
				die(NAME, 111, "open /dev/null:");
			if (fd != k && (dup2(fd, k) < 0 || close(fd) < 0))
				die(NAME, 111, "dup2:");
			break;
		default:
			die(NAME, 100, USAGE);
		}
	}
	if (optind >= argc)
		die(NAME, 100, USAGE);
	execvp(argv[optind], argv + optind);
	die(NAME, errno == ENOENT ? 127 : 126, "exec %s:", argv[optind]);
}
