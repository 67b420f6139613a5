/*
 * ptyrun: run a program as the session leader of a new pty, like a tmux
 * pane command, and exit with its status.
 *
 *	ptyrun [-p PIDFILE] [--] PROG [ARG]...
 *
 * PROG runs with the pty's slave on fds 0, 1 and 2 as its controlling
 * terminal; other fds are inherited (so "-d 4" readiness fds work).
 * Everything PROG writes to the terminal is copied to ptyrun's stdout with
 * carriage returns dropped.  ptyrun exits with PROG's exit status, or 128
 * plus the signal that killed it, which tmux (pane_dead_status) does not
 * report reliably.  -p writes PROG's pid to PIDFILE.
 */
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "helper.h"

#define NAME "ptyrun"
#define USAGE "usage: ptyrun [-p PIDFILE] [--] PROG [ARG]..."

/* Copy what is readable on the master M to stdout, without carriage returns; return 0 at EOF. */
static int
copy(int m)
{
	char buf[4096], out[4096];
	ssize_t r, i, n = 0;

	r = read(m, buf, sizeof(buf));
	if (r <= 0)
		return r < 0 && (errno == EAGAIN || errno == EINTR);
	for (i = 0; i < r; i++)
		if (buf[i] != '\r')
			out[n++] = buf[i];
	if (write(1, out, (size_t)n) < 0)
		die(NAME, 111, "write:");
	return 1;
}

/* In the child: become session leader of the pty slave NAME and exec ARGV. */
static void __attribute__((noreturn))
child(const char *name, char **argv)
{
	int s;

	if (setsid() < 0)
		die(NAME, 111, "setsid:");
	if ((s = open(name, O_RDWR)) < 0)
		die(NAME, 111, "open %s:", name);
	if (ioctl(s, TIOCSCTTY, 0) < 0)
		die(NAME, 111, "TIOCSCTTY:");
	if (dup2(s, 0) < 0 || dup2(s, 1) < 0 || dup2(s, 2) < 0)
		die(NAME, 111, "dup2:");
	if (s > 2)
		close(s);
	execvp(argv[0], argv);
	die(NAME, errno == ENOENT ? 127 : 126, "exec %s:", argv[0]);
}

/* Run the program on a new pty, relay its output, and exit with its status. */
int
main(int argc, char **argv)
{
	struct winsize ws = { 30, 100, 0, 0 };
	const char *pidfile = NULL, *name;
	struct pollfd p;
	FILE *f;
	pid_t pid;
	int m, opt, status, open_ = 1;

	while ((opt = getopt(argc, argv, "+p:")) != -1) {
		if (opt != 'p')
			die(NAME, 100, USAGE);
		pidfile = optarg;
	}
	if (optind >= argc)
		die(NAME, 100, USAGE);
	if ((m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		die(NAME, 111, "posix_openpt:");
	if (grantpt(m) < 0 || unlockpt(m) < 0 || !(name = ptsname(m)))
		die(NAME, 111, "unlock pty:");
	ioctl(m, TIOCSWINSZ, &ws);
	/* Hold the slave open so the master never reads EIO before PROG opens it. */
	if (open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) < 0)
		die(NAME, 111, "open %s:", name);
	if ((pid = fork()) < 0)
		die(NAME, 111, "fork:");
	if (pid == 0)
		child(name, argv + optind);
	if (pidfile) {
		if (!(f = fopen(pidfile, "w")))
			die(NAME, 111, "open %s:", pidfile);
		fprintf(f, "%ld\n", (long)pid);
		fclose(f);
	}
	fcntl(m, F_SETFL, O_NONBLOCK);
	p.fd = m;
	p.events = POLLIN;
	for (;;) {
		if (open_ && poll(&p, 1, 50) > 0)
			open_ = copy(m);
		else if (!open_)
			poll(NULL, 0, 50);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	while (open_ && copy(m) > 0 && poll(&p, 1, 100) > 0)
		;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
