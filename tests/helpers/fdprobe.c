/*
 * fdprobe: report what a program run by bootcon-exec inherited.
 *
 *	fdprobe [-o FILE] [-w]
 *
 * Prints one fact per line, in a stable grep-able format:
 *
 *	openfds 0 1 2             every open fd
 *	fd 0 /dev/pts/3           each open fd and its /proc/self/fd target
 *	ttys 0 1 2                which of fds 0-2 are terminals (or "none")
 *	fds 0 1 2 same-tty        or "fds 0 1 2 not-same-tty"
 *	ttyname /dev/pts/3        the terminal on fd 0 (or "none")
 *	fd0 rdwr                  access mode of fd 0 (rdonly, wronly, rdwr, closed)
 *	nonblock none             fds with O_NONBLOCK set (or "none")
 *	sigmask empty             blocked signals by number (or "empty")
 *	sigign none               ignored signals by number (or "none")
 *	pid 42 / ppid / pgid / sid / uid
 *	ctty yes                  whether /dev/tty opens (a controlling terminal)
 *	tcgetsid 42               session of the terminal on fd 0 (or "none")
 *	tcgetpgrp 42              its foreground group (or "none")
 *	foreground yes            whether our group is that foreground group
 *	end
 *
 * With -o FILE the report goes to FILE (written whole, then renamed into
 * place, so a test can wait for FILE to exist) instead of stdout.  With
 * -w it then prints "fdprobe ready" and echoes each line read on stdin as
 * "got: LINE" until end of file, so a test can type into it.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "helper.h"

#define NAME "fdprobe"
#define MAXFD 1024

static char report[65536];
static size_t used;

/* Append a formatted line to the report. */
static void __attribute__((format(printf, 1, 2)))
say(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(report + used, sizeof(report) - used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(report) - used - 1)
		die(NAME, 111, "report too long");
	used += (size_t)n;
	report[used++] = '\n';
}

/* Append " N" to the line being built in BUF (of size SZ). */
static void
addnum(char *buf, size_t sz, long n)
{
	size_t l = strlen(buf);

	snprintf(buf + l, sz - l, " %ld", n);
}

/* Collect the open fds (minus the directory's own) into FDS; return how many. */
static int
openfds(int *fds)
{
	DIR *d;
	struct dirent *e;
	int n = 0, self, fd;

	if (!(d = opendir("/proc/self/fd")))
		die(NAME, 111, "opendir /proc/self/fd:");
	self = dirfd(d);
	while ((e = readdir(d)) && n < MAXFD) {
		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd != self)
			fds[n++] = fd;
	}
	closedir(d);
	return n;
}

/* Report the open fds, their targets, and their terminal and blocking state. */
static void
probe_fds(void)
{
	static int fds[MAXFD];
	char line[4096], path[64], target[PATH_MAX];
	struct stat st[3];
	int n, i, j, t, fl, tty[3];
	ssize_t r;

	n = openfds(fds);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && fds[j - 1] > fds[j]; j--)
			t = fds[j], fds[j] = fds[j - 1], fds[j - 1] = t;
	snprintf(line, sizeof(line), "openfds");
	for (i = 0; i < n; i++)
		addnum(line, sizeof(line), fds[i]);
	say("%s", line);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
		if ((r = readlink(path, target, sizeof(target) - 1)) < 0)
			r = 0;
		target[r] = '\0';
		say("fd %d %s", fds[i], target);
	}
	line[0] = '\0';
	for (i = 0; i < 3; i++) {
		tty[i] = isatty(i) && fstat(i, &st[i]) == 0;
		if (tty[i])
			addnum(line, sizeof(line), i);
	}
	say("ttys%s", line[0] ? line : " none");
	say("fds 0 1 2 %s", tty[0] && tty[1] && tty[2] &&
	    st[0].st_rdev == st[1].st_rdev && st[0].st_rdev == st[2].st_rdev ?
	    "same-tty" : "not-same-tty");
	say("ttyname %s", tty[0] && ttyname(0) ? ttyname(0) : "none");
	fl = fcntl(0, F_GETFL);
	say("fd0 %s", fl < 0 ? "closed" : (fl & O_ACCMODE) == O_RDONLY ?
	    "rdonly" : (fl & O_ACCMODE) == O_WRONLY ? "wronly" : "rdwr");
	line[0] = '\0';
	for (i = 0; i < n; i++)
		if ((fl = fcntl(fds[i], F_GETFL)) >= 0 && (fl & O_NONBLOCK))
			addnum(line, sizeof(line), fds[i]);
	say("nonblock%s", line[0] ? line : " none");
}

/* Report the blocked and ignored signals. */
static void
probe_signals(void)
{
	char line[1024];
	sigset_t set;
	struct sigaction sa;
	int s;

	line[0] = '\0';
	if (sigprocmask(SIG_BLOCK, NULL, &set) < 0)
		die(NAME, 111, "sigprocmask:");
	for (s = 1; s < NSIG; s++)
		if (sigismember(&set, s) == 1)
			addnum(line, sizeof(line), s);
	say("sigmask%s", line[0] ? line : " empty");
	line[0] = '\0';
	for (s = 1; s < NSIG; s++)
		if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			addnum(line, sizeof(line), s);
	say("sigign%s", line[0] ? line : " none");
}

/* Report ids, the controlling terminal and the terminal's foreground group. */
static void
probe_ctty(void)
{
	pid_t sid, pgrp;
	int fd;

	say("pid %ld", (long)getpid());
	say("ppid %ld", (long)getppid());
	say("pgid %ld", (long)getpgrp());
	say("sid %ld", (long)getsid(0));
	say("uid %ld", (long)getuid());
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	say("ctty %s", fd >= 0 ? "yes" : "no");
	if (fd >= 0)
		close(fd);
	sid = tcgetsid(0);
	if (sid < 0)
		say("tcgetsid none");
	else
		say("tcgetsid %ld", (long)sid);
	pgrp = tcgetpgrp(0);
	if (pgrp < 0)
		say("tcgetpgrp none");
	else
		say("tcgetpgrp %ld", (long)pgrp);
	say("foreground %s", pgrp >= 0 && pgrp == getpgrp() ? "yes" : "no");
}

/* Write the report to FILE atomically, or to stdout when FILE is NULL. */
static void
emit(const char *file)
{
	char tmp[PATH_MAX];
	int fd;

	if (!file) {
		if (write(1, report, used) != (ssize_t)used)
			die(NAME, 111, "write:");
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", file, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		die(NAME, 111, "open %s:", tmp);
	if (write(fd, report, used) != (ssize_t)used || close(fd) < 0)
		die(NAME, 111, "write %s:", tmp);
	if (rename(tmp, file) < 0)
		die(NAME, 111, "rename %s:", file);
}

/* Echo the lines typed on stdin until end of file. */
static void
echo_input(void)
{
	char line[1024];

	printf("fdprobe ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		printf("got: %s\n", line);
		fflush(stdout);
	}
}

/* Probe everything, report it, and optionally echo input. */
int
main(int argc, char **argv)
{
	const char *file = NULL;
	int opt, wait = 0;

	while ((opt = getopt(argc, argv, "o:w")) != -1) {
		switch (opt) {
		case 'o':
			file = optarg;
			break;
		case 'w':
			wait = 1;
			break;
		default:
			die(NAME, 100, "usage: fdprobe [-o FILE] [-w]");
		}
	}
	probe_fds();
	probe_signals();
	probe_ctty();
	say("end");
	emit(file);
	if (wait)
		echo_input();
	return 0;
}
