/*
 * hostile: randomized hostile peers for bootcon, bounded for make check.
 *
 *	hostile server [-j JOBS] SEED RUNS BOOTCON-EXEC
 *	hostile clients [-V] [-e BOOTCON-EXEC] [-w TTY] [-p SERVER-PID]
 *	    [-S STOP-CMD] [-Q START-CMD] SEED RUNS SOCKET
 *	hostile probe REPORT [HOLD-MS INTERVALS LABEL]
 *
 * server: RUNS runs (JOBS at a time, default 4); run N uses the seed
 * SEED+N alone, so "hostile server SEED+N 1 BOOTCON-EXEC" replays it.  Each
 * run is a hostile server on a fresh abstract socket: a random tag byte
 * (mostly the right one), 0-10 fds of assorted kinds (slaves and masters
 * of 1-3 ptys of its own, /dev/tty of those ptys, /dev/null, /dev/zero,
 * pipes, sockets, files, a directory) in 0-3 messages, delays, early
 * closes, ptys whose output is stopped (TCOOFF on the slave: on the master
 * it stops only the master's side; or IXON and a ^S typed into the
 * master) and owned by the server's session; it never acks.
 * BOOTCON-EXEC runs against it with a random -t, sometimes -f, -v, -C,
 * and as uid 65534 when we are root; its PROG is "hostile probe", which
 * reports what it got on fds 0-2 and above.  Each run asserts the
 * contract: bootcon-exec (or PROG) ends within -t + 1 s (one still
 * runnable then, not blocked, gets 2 s more: a loaded machine); PROG
 * runs only on three opens of one pty slave the server sent, from a
 * well-formed hand-off it did not give up on before the ack, or (with
 * -f, on any failure) on the original stdio; PROG has no fd above 2.
 *
 * clients: a swarm of RUNS hostile clients against a real bootcon-server
 * on SOCKET (whose window is TTY, whose pid is SERVER-PID): clients that
 * leave at once, never read, read and never ack, ack garbage, ack late,
 * fork and ack from the child, connect as another uid (root only), and
 * real bootcon-exec clients whose PROG holds the window briefly; one of
 * them is stopped (ptrace) at its ack until the server has given up on it
 * and handed the window on.  STOP-CMD and START-CMD (shell commands, say
 * tmux send-keys C-s and C-q) stop and restart the window's output for a
 * stretch.  It asserts: no two programs hold the window at once (each
 * holder logs start and end to a shared file), every bootcon-exec ends
 * within -t + 1 s plus its hold, PROG runs on the window or with -f on its
 * stdio, a final hand-off gets the window, and with the window's output
 * stopped the server answers a connection that makes it write a line (a
 * refused one when root; an allowed one with -V, for a server started with
 * -v) within 1 s, and SIGTERM stops it within 1 s.
 *
 * Each violation is one line on stdout naming its kind and the seed; a
 * summary line ends the output; the exit status is 1 if anything was
 * violated, 111 on a failure of the test itself.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/sockios.h>

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <termios.h>
#include <time.h>

#include "bootcon.h"
#include "helper.h"

#define NAME "hostile"
#define NOBODY 65534
#define MAXPTY 3
#define MAXSPEC 10
#define MAXMSG 3
#define NOTTY (~0ULL)

static char self[PATH_MAX];	/* this program, for PROG */
static char base[PATH_MAX];	/* scratch directory */
static long long epoch;		/* start, in microseconds */

/* ---- small utilities ---- */

/* Return the monotonic clock in microseconds. */
static long long
now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		die(NAME, 111, "clock_gettime:");
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Sleep MS milliseconds, resuming after signals. */
static void
sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0)
		if (errno != EINTR)
			die(NAME, 111, "nanosleep:");
}

/* Write all N bytes of BUF to FD; return 0, or -1 with errno set. */
static int
write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Print one line on stdout with a single write, so parallel runs never interleave. */
static void __attribute__((format(printf, 1, 2)))
emit(const char *fmt, ...)
{
	char buf[3072];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write_all(1, buf, (size_t)n) < 0)
		die(NAME, 111, "write stdout:");
}

/* A string being built, truncated when full. */
struct sb {
	char b[1536];
	size_t n;
};

/* Append formatted text to S. */
static void __attribute__((format(printf, 2, 3)))
sbf(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (s->n >= sizeof(s->b) - 1)
		return;
	va_start(ap, fmt);
	r = vsnprintf(s->b + s->n, sizeof(s->b) - s->n, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	s->n += (size_t)r;
	if (s->n > sizeof(s->b) - 1)
		s->n = sizeof(s->b) - 1;
}

/* Format into BUF of size N, dying if it does not fit. */
static void __attribute__((format(printf, 3, 4)))
fmt(char *buf, size_t n, const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = vsnprintf(buf, n, f, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= n)
		die(NAME, 111, "string too long: %s", f);
}

/* Close FD if open, reporting a failure other than an interruption. */
static void
closefd(int *fd)
{
	if (*fd < 0)
		return;
	if (close(*fd) < 0 && errno != EINTR)
		die(NAME, 111, "close %d:", *fd);
	*fd = -1;
}

/* Read up to N-1 bytes of file PATH into BUF, NUL-terminated; return the length or -1. */
static ssize_t
slurp(const char *path, char *buf, size_t n)
{
	ssize_t r, got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while ((size_t)got < n - 1) {
		r = read(fd, buf + got, n - 1 - (size_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	buf[got] = '\0';
	closefd(&fd);
	return got;
}

/* Return the state letter of process PID from /proc (R running, S sleeping, ...), or '?'. */
static char
proc_letter(pid_t pid)
{
	char path[64], text[512], *p;

	fmt(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (slurp(path, text, sizeof(text)) <= 0 || !(p = strrchr(text, ')')) || p[1] != ' ')
		return '?';
	return p[2];
}

/* Describe what process PID is doing (its name and kernel wait channel) into BUF. */
static void
proc_state(pid_t pid, char *buf, size_t n)
{
	char path[64], comm[64], wchan[64];

	fmt(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if (slurp(path, comm, sizeof(comm)) < 0)
		snprintf(comm, sizeof(comm), "?");
	comm[strcspn(comm, "\n")] = '\0';
	fmt(path, sizeof(path), "/proc/%ld/wchan", (long)pid);
	if (slurp(path, wchan, sizeof(wchan)) <= 0 || strcmp(wchan, "0") == 0)
		snprintf(wchan, sizeof(wchan), "?");
	snprintf(buf, n, "%s, state %c, in %s", comm, proc_letter(pid), wchan);
}

/* Wait until child PID exits or the clock passes DEADLINE (us); return 1 and its STATUS if it exited. */
static int
wait_until(pid_t pid, long long deadline, int *status)
{
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			die(NAME, 111, "waitpid %ld:", (long)pid);
		if (now_us() >= deadline)
			return 0;
		sleep_ms(2);
	}
}

/*
 * Wait for child PID until DEADLINE (us); past it, a child that is
 * runnable rather than blocked is only short of CPU on a loaded machine
 * and gets 2 s more.  Return 1 and its STATUS if it exited.
 */
static int
wait_bounded(pid_t pid, long long deadline, int *status)
{
	if (wait_until(pid, deadline, status))
		return 1;
	return proc_letter(pid) == 'R' && wait_until(pid, deadline + 2000000, status);
}

/* Kill child PID and reap it. */
static void
kill_reap(pid_t pid)
{
	int st;

	if (kill(pid, SIGKILL) < 0 && errno != ESRCH)
		die(NAME, 111, "kill %ld:", (long)pid);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die(NAME, 111, "waitpid %ld:", (long)pid);
}

/* Render a wait STATUS as "exit N" or "signal N" into BUF. */
static const char *
status_str(int st, char *buf, size_t n)
{
	if (WIFEXITED(st))
		snprintf(buf, n, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, n, "signal %d", WTERMSIG(st));
	else
		snprintf(buf, n, "status 0x%x", (unsigned)st);
	return buf;
}

/* Remove directory DIR and everything in it. */
static void
rm_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			fmt(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
				rm_dir(path);
			else if (unlink(path) < 0 && errno != ENOENT)
				emit("hostile: unable to remove %s: %s", path,
				    strerror(errno));
		}
	if (closedir(d) < 0)
		die(NAME, 111, "closedir %s:", dir);
	if (rmdir(dir) < 0 && errno != ENOENT)
		emit("hostile: unable to remove %s: %s", dir, strerror(errno));
}

/* Make directory DIR writable by every uid a run uses (sticky, like /tmp). */
static void
mk_dir(const char *dir)
{
	if (mkdir(dir, 0700) < 0)
		die(NAME, 111, "mkdir %s:", dir);
	if (chmod(dir, 01777) < 0)
		die(NAME, 111, "chmod %s:", dir);
}

/* Close every fd from LOW up. */
static void
close_from(int low)
{
	int fd;

	if (syscall(SYS_close_range, (unsigned)low, ~0U, 0) == 0)
		return;
	for (fd = low; fd < 1024; fd++)
		if (close(fd) < 0 && errno != EBADF && errno != EINTR)
			_exit(111);
}

/* Become uid and gid ID with no supplementary groups; exit on failure. */
static void
become(int id)
{
	if (setgroups(0, NULL) < 0 || setresgid((gid_t)id, (gid_t)id, (gid_t)id) < 0 ||
	    setresuid((uid_t)id, (uid_t)id, (uid_t)id) < 0)
		die(NAME, 111, "become uid %d:", id);
}

/* Set signal SIG's disposition to HANDLER. */
static void
sig(int s, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	if (sigaction(s, &sa, NULL) < 0)
		die(NAME, 111, "sigaction %d:", s);
}

/* Ask the kernel to kill us when our parent dies (the test's deadline kills only the top). */
static void
die_with_parent(void)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die(NAME, 111, "prctl PDEATHSIG:");
}

/* In a forked child: put IN, OUT, ERR on 0-2, close the rest, maybe become UID, exec ARGV. */
static void __attribute__((noreturn))
exec_child(char **argv, int in, int out, int err, int uid)
{
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		die(NAME, 111, "dup2:");
	close_from(3);
	if (uid >= 0)
		become(uid);
	die_with_parent();
	sig(SIGPIPE, SIG_DFL);
	sig(SIGHUP, SIG_DFL);
	execv(argv[0], argv);
	die(NAME, 127, "exec %s:", argv[0]);
}

/* ---- a seeded PRNG (splitmix64) ---- */

/* Return the next 64 random bits from state S. */
static uint64_t
next64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Return a random number in [0, N) (0 if N is 0). */
static long
rnd(uint64_t *s, long n)
{
	return n > 0 ? (long)(next64(s) % (uint64_t)n) : 0;
}

/* Return 1 with probability PCT percent. */
static int
chance(uint64_t *s, int pct)
{
	return rnd(s, 100) < pct;
}

/* ---- what a program got on its fds: the probe and its report ---- */

/* One fd as the probe saw it. */
struct fdid {
	int open;
	unsigned mode;
	unsigned long long dev, ino, rdev;
	unsigned long long tdev;	/* the tty behind it (TIOCGDEV), or NOTTY */
	int ptn;			/* pty number if it is a master, else -1 */
};

/* A probe's report: fds 0-2, the fds above 2, its uid. */
struct report {
	struct fdid fd[3];
	char extra[256];
	long uid;
};

/* Fill D with what fd FD is. */
static void
identify(int fd, struct fdid *d)
{
	struct stat st;
	unsigned int dv;
	int n;

	memset(d, 0, sizeof(*d));
	d->tdev = NOTTY;
	d->ptn = -1;
	if (fstat(fd, &st) < 0)
		return;
	d->open = 1;
	d->mode = st.st_mode;
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->rdev = st.st_rdev;
	if (isatty(fd) && ioctl(fd, TIOCGDEV, &dv) == 0)
		d->tdev = makedev(major(dv), minor(dv));
	if (isatty(fd) && ioctl(fd, TIOCGPTN, &n) == 0)
		d->ptn = n;
}

/* Fill D from a stat result (for the ends a test keeps itself). */
static void
identify_stat(const struct stat *st, struct fdid *d)
{
	memset(d, 0, sizeof(*d));
	d->open = 1;
	d->mode = st->st_mode;
	d->dev = st->st_dev;
	d->ino = st->st_ino;
	d->rdev = st->st_rdev;
	d->tdev = S_ISCHR(st->st_mode) ? st->st_rdev : NOTTY;
	d->ptn = -1;
}

/* Append a line "start|end PID WINDOW MICROSECONDS LABEL" to the intervals file. */
static void
interval(const char *file, const char *what, unsigned long long win, const char *label)
{
	char line[160];
	int fd, n;

	n = snprintf(line, sizeof(line), "%s %ld %llu %lld %s\n", what,
	    (long)getpid(), win, now_us(), label);
	if (n < 0 || (size_t)n >= sizeof(line))
		die(NAME, 111, "interval line too long");
	if ((fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
		die(NAME, 111, "open %s:", file);
	if (write_all(fd, line, (size_t)n) < 0)
		die(NAME, 111, "write %s:", file);
	closefd(&fd);
}

/* PROG for bootcon-exec: report fds 0-2 and the others to REPORT; maybe hold the window. */
static int
probe_main(int argc, char **argv)
{
	char text[1024], tmp[PATH_MAX];
	struct fdid d[3];
	struct sb extra = { .n = 0 };
	struct rlimit rl;
	long hold = 0;
	int i, fd, lim = 1024, n;

	if (argc != 3 && argc != 6)
		die(NAME, 100, "usage: hostile probe REPORT [HOLD-MS INTERVALS LABEL]");
	for (i = 0; i < 3; i++)
		identify(i, &d[i]);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536)
		lim = (int)rl.rlim_cur;
	for (fd = 3; fd < lim; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			sbf(&extra, " %d", fd);
	n = snprintf(text, sizeof(text), "uid %ld\nextra%s\n", (long)getuid(),
	    extra.n ? extra.b : " none");
	for (i = 0; i < 3 && n > 0 && (size_t)n < sizeof(text); i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		    "fd %d %d %o %llu %llu %llu %llu %d\n", i, d[i].open, d[i].mode,
		    d[i].dev, d[i].ino, d[i].rdev, d[i].tdev, d[i].ptn);
	if (n < 0 || (size_t)n >= sizeof(text))
		die(NAME, 111, "report too long");
	fmt(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		die(NAME, 111, "open %s:", tmp);
	if (write_all(fd, text, (size_t)n) < 0)
		die(NAME, 111, "write %s:", tmp);
	closefd(&fd);
	if (rename(tmp, argv[2]) < 0)
		die(NAME, 111, "rename %s:", tmp);
	if (argc == 6 && d[0].tdev != NOTTY) {
		hold = atol(argv[3]);
		interval(argv[4], "start", d[0].tdev, argv[5]);
		sleep_ms(hold);
		interval(argv[4], "end", d[0].tdev, argv[5]);
	}
	return 0;
}

/* Load the probe's report from PATH into R; return 0, or -1 if there is none. */
static int
load_report(const char *path, struct report *r)
{
	char text[2048], *line, *save = NULL;
	struct fdid d;
	int i, seen = 0;

	memset(r, 0, sizeof(*r));
	if (slurp(path, text, sizeof(text)) <= 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "uid ", 4) == 0)
			r->uid = atol(line + 4);
		else if (strncmp(line, "extra ", 6) == 0)
			snprintf(r->extra, sizeof(r->extra), "%s", line + 6);
		else if (sscanf(line, "fd %d %d %o %llu %llu %llu %llu %d", &i, &d.open,
		    &d.mode, &d.dev, &d.ino, &d.rdev, &d.tdev, &d.ptn) == 8 &&
		    i >= 0 && i < 3) {
			r->fd[i] = d;
			seen |= 1 << i;
		}
	}
	return seen == 7 ? 0 : -1;
}

/* Where PROG's fds 0-2 turned out to be. */
enum where { ONE_SLAVE, ORIGINAL, TWO_TERMS, NOT_SLAVE, FOREIGN };

/* The terminals a test knows: their slaves' stat, for naming and matching. */
struct terms {
	int n;
	struct stat st[MAXPTY];
	int num[MAXPTY];
};

/* Return the index in T of the terminal whose slave is device RDEV, or -1. */
static int
term_index(const struct terms *t, unsigned long long rdev)
{
	int k;

	for (k = 0; k < t->n; k++)
		if (t->st[k].st_rdev == rdev)
			return k;
	return -1;
}

/* Return whether D is an open of the slave of terminal K in T. */
static int
is_slave(const struct terms *t, int k, const struct fdid *d)
{
	return d->open && S_ISCHR(d->mode) && d->ptn < 0 &&
	    d->rdev == t->st[k].st_rdev && d->dev == t->st[k].st_dev &&
	    d->ino == t->st[k].st_ino;
}

/* Return whether A and B are the same file. */
static int
same_file(const struct fdid *a, const struct fdid *b)
{
	return a->open && b->open && a->dev == b->dev && a->ino == b->ino &&
	    (a->mode & S_IFMT) == (b->mode & S_IFMT);
}

/* Append to S a name for D, given the terminals T and the original stdio ORIG. */
static void
describe(struct sb *s, const struct terms *t, const struct fdid orig[3], const struct fdid *d)
{
	static const char *const names[] = { "stdin", "stdout", "stderr" };
	int i, k;

	if (!d->open) {
		sbf(s, "closed");
		return;
	}
	for (i = 0; i < 3; i++)
		if (same_file(d, &orig[i])) {
			sbf(s, "original %s", names[i]);
			return;
		}
	if (S_ISCHR(d->mode)) {
		k = d->tdev != NOTTY ? term_index(t, d->tdev) : -1;
		if (d->rdev == makedev(5, 2))
			sbf(s, "master");
		else if (d->rdev == makedev(5, 0))
			sbf(s, "/dev/tty");
		else if (d->rdev == makedev(1, 3)) {
			sbf(s, "/dev/null");
			return;
		} else if (d->rdev == makedev(1, 5)) {
			sbf(s, "/dev/zero");
			return;
		} else if (k >= 0 && is_slave(t, k, d))
			sbf(s, "slave");
		else {
			sbf(s, "tty %u:%u", major(d->rdev), minor(d->rdev));
			return;
		}
		if (k >= 0)
			sbf(s, " of pts/%d", t->num[k]);
		else if (d->tdev != NOTTY)
			sbf(s, " of a foreign tty %u:%u", major(d->tdev), minor(d->tdev));
		return;
	}
	sbf(s, "%s", S_ISFIFO(d->mode) ? "a pipe" : S_ISSOCK(d->mode) ? "a socket" :
	    S_ISREG(d->mode) ? "a file" : S_ISDIR(d->mode) ? "a directory" : "something");
}

/* Classify where R's fds 0-2 are; set *K to the terminal for ONE_SLAVE. */
static enum where
classify(const struct report *r, const struct terms *t, const struct fdid orig[3], int *k)
{
	int i, ttys = 0, slaves = 0;

	*k = -1;
	if (same_file(&r->fd[0], &orig[0]) && same_file(&r->fd[1], &orig[1]) &&
	    same_file(&r->fd[2], &orig[2]))
		return ORIGINAL;
	for (i = 0; i < 3; i++)
		if (r->fd[i].open && r->fd[i].tdev != NOTTY)
			ttys++;
	if (ttys < 3)
		return FOREIGN;
	for (i = 1; i < 3; i++)
		if (r->fd[i].tdev != r->fd[0].tdev)
			return TWO_TERMS;
	*k = term_index(t, r->fd[0].tdev);
	if (*k < 0)
		return FOREIGN;
	for (i = 0; i < 3; i++)
		slaves += is_slave(t, *k, &r->fd[i]);
	return slaves == 3 ? ONE_SLAVE : NOT_SLAVE;
}

/* Append "fd0 X, fd1 Y, fd2 Z" for R to S. */
static void
describe_fds(struct sb *s, const struct report *r, const struct terms *t, const struct fdid orig[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		sbf(s, "%sfd %d ", i ? ", " : "", i);
		describe(s, t, orig, &r->fd[i]);
	}
}

/* ---- hostile servers ---- */

enum kind { K_SLAVE, K_SLAVE_OPEN, K_MASTER, K_DEVTTY, K_NULL, K_ZERO,
	K_PIPE_R, K_PIPE_W, K_SOCK, K_FILE, K_DIR, NKINDS };

static const char *const kindname[NKINDS] = { "slave", "slave(reopened)",
	"master", "/dev/tty", "/dev/null", "/dev/zero", "pipe(r)", "pipe(w)",
	"socket", "file", "dir" };

/* Violations, one bit each. */
enum { V_HANG = 1, V_TWO_TERMS = 2, V_NOT_SLAVE = 4, V_FOREIGN = 8,
	V_BAD_ACCEPT = 16, V_AFTER_GIVE_UP = 32, V_FALLBACK = 64, V_LEAK = 128,
	V_HARNESS = 256, NVKINDS = 9 };

static const char *const vname[NVKINDS] = { "hang", "two-terminals",
	"not-a-slave", "foreign-fds", "bad-accept", "ran-after-give-up",
	"fallback", "fd-leak", "harness" };

/* One fd the server sends: its kind and pty. */
struct spec {
	enum kind kind;
	int pty;
};

/* One message: its bytes, its fds (specs FIRST..FIRST+NFDS-1), the delay before it. */
struct msg {
	unsigned char bytes[4];
	int nbytes, first, nfds;
	long delay_ms;
};

/* Everything a run does, drawn from its seed before anything starts. */
struct plan {
	uint64_t seed;
	long t_ms;
	int fallback, verbose, noctty, uid;
	int npty, main, own;
	int stop[MAXPTY];	/* 0 running, 1 TCOOFF on the slave, 2 IXON and ^S */
	int nspec;
	struct spec spec[MAXSPEC];
	int nmsg;
	struct msg msg[MAXMSG];
	int close_after;	/* -1 hold the connection; N close after N messages */
	long close_delay_ms;
	int noaccept;
	int valid;
	char why[96];		/* why it is not a well-formed hand-off */
};

/* Draw a delay: mostly none, sometimes short, sometimes past the client's timeout T. */
static long
delay(uint64_t *r, long t)
{
	if (chance(r, 70))
		return 0;
	if (chance(r, 67))
		return rnd(r, 100);
	return rnd(r, t + 400);
}

/* Draw a plan from SEED; ROOT says whether runs as another uid are possible. */
static void
make_plan(struct plan *p, uint64_t seed, int root)
{
	static const unsigned char badtags[] = { BC_BUSY, BC_TAG + 1, 0, BC_ACK,
		BC_TAG ^ 0x80 };
	static const int counts[] = { 0, 1, 2, 4, 5, 6, 8, 10 };
	uint64_t r = seed;
	int i, k, n, x, cut;

	memset(p, 0, sizeof(*p));
	p->seed = seed;
	p->t_ms = 200 + rnd(&r, 801);
	p->fallback = chance(&r, 35);
	p->verbose = chance(&r, 30);
	p->noctty = chance(&r, 5);
	p->uid = root && chance(&r, 40) ? NOBODY : -1;
	p->npty = 1 + (int)rnd(&r, MAXPTY);
	p->main = (int)rnd(&r, p->npty);
	for (k = 0; k < p->npty; k++)
		p->stop[k] = chance(&r, k == p->main ? 35 : 15) ? 1 + (int)rnd(&r, 2) : 0;
	p->own = chance(&r, 50) ? p->main : -1;
	x = (int)rnd(&r, 100);
	if (x < 40) {		/* well-formed: three opens of one slave */
		p->nspec = 3;
		for (i = 0; i < 3; i++)
			p->spec[i] = (struct spec){ chance(&r, 30) ? K_SLAVE_OPEN : K_SLAVE, p->main };
	} else if (x < 50) {	/* masters */
		p->nspec = 3;
		for (i = 0; i < 3; i++)
			p->spec[i] = (struct spec){ K_MASTER, (int)rnd(&r, p->npty) };
	} else if (x < 58) {	/* /dev/tty of the ptys */
		p->nspec = 3;
		for (i = 0; i < 3; i++)
			p->spec[i] = (struct spec){ K_DEVTTY, (int)rnd(&r, p->npty) };
	} else if (x < 68) {	/* terminal fds of all sorts */
		p->nspec = 3;
		for (i = 0; i < 3; i++)
			p->spec[i] = (struct spec){ (enum kind)rnd(&r, 4), (int)rnd(&r, p->npty) };
	} else if (x < 75) {	/* the wrong number of slave fds */
		p->nspec = counts[rnd(&r, sizeof(counts) / sizeof(counts[0]))];
		for (i = 0; i < p->nspec; i++)
			p->spec[i] = (struct spec){ K_SLAVE, p->main };
	} else {		/* anything */
		p->nspec = (int)rnd(&r, MAXSPEC + 1);
		for (i = 0; i < p->nspec; i++)
			p->spec[i] = (struct spec){ (enum kind)rnd(&r, NKINDS), (int)rnd(&r, p->npty) };
	}
	if (chance(&r, 3)) {
		p->nmsg = 0;
	} else if (p->nspec == 0 || chance(&r, 70)) {
		p->nmsg = chance(&r, 85) ? 1 : 2 + (int)rnd(&r, 2);
		p->msg[0].nfds = p->nspec;
	} else {
		p->nmsg = 2 + (int)rnd(&r, 2);
		for (i = 0, n = 0; i < p->nmsg; i++) {
			cut = i == p->nmsg - 1 ? p->nspec - n : (int)rnd(&r, p->nspec - n + 1);
			p->msg[i].first = n;
			p->msg[i].nfds = cut;
			n += cut;
		}
	}
	for (i = 0; i < p->nmsg; i++) {
		p->msg[i].nbytes = 1 + (chance(&r, 10) ? 1 + (int)rnd(&r, 3) : 0);
		for (k = 0; k < p->msg[i].nbytes; k++)
			p->msg[i].bytes[k] = (unsigned char)rnd(&r, 256);
		if (i > 0 || chance(&r, 85))
			p->msg[i].bytes[0] = i == 0 || chance(&r, 50) ? BC_TAG :
			    (unsigned char)rnd(&r, 256);
		else
			p->msg[0].bytes[0] = badtags[rnd(&r, sizeof(badtags))];
		p->msg[i].delay_ms = delay(&r, p->t_ms);
		if (i > 0 && p->msg[i].first == 0 && p->msg[i].nfds == 0)
			p->msg[i].first = p->msg[i - 1].first + p->msg[i - 1].nfds;
	}
	x = (int)rnd(&r, 100);
	p->close_after = x < 45 ? -1 : x < 85 ? p->nmsg : x < 95 ?
	    (int)rnd(&r, p->nmsg + 1) : 0;
	/* -1: the moment the client has read the hand-off, before it can ack. */
	p->close_delay_ms = chance(&r, 50) ? 0 : chance(&r, 50) ? -1 : rnd(&r, 300);
	p->noaccept = chance(&r, 3);

	if (p->noaccept)
		snprintf(p->why, sizeof(p->why), "the server never accepted");
	else if (p->nmsg == 0 || p->close_after == 0)
		snprintf(p->why, sizeof(p->why), "the server sent nothing");
	else if (p->msg[0].bytes[0] != BC_TAG)
		snprintf(p->why, sizeof(p->why), "its tag byte was 0x%02x",
		    p->msg[0].bytes[0]);
	else if (p->msg[0].nfds != 3)
		snprintf(p->why, sizeof(p->why), "its first message had %d fds",
		    p->msg[0].nfds);
	else {
		p->valid = 1;
		for (i = 0; i < 3; i++)
			if ((p->spec[i].kind != K_SLAVE && p->spec[i].kind != K_SLAVE_OPEN) ||
			    p->spec[i].pty != p->spec[0].pty)
				p->valid = 0;
		if (!p->valid)
			snprintf(p->why, sizeof(p->why), "its fds were not three opens "
			    "of one pty slave");
	}
}

/* Append a one-line summary of plan P (with pty numbers from T) to S. */
static void
describe_plan(struct sb *s, const struct plan *p, const struct terms *t)
{
	int i, j, k;

	sbf(s, "-t %ld.%03ld%s%s%s%s; ", p->t_ms / 1000, p->t_ms % 1000,
	    p->fallback ? " -f" : "", p->verbose ? " -v" : "",
	    p->noctty ? " -C" : "", p->uid >= 0 ? " as uid 65534" : "");
	for (k = 0; k < p->npty; k++)
		sbf(s, "%spts/%d%s%s%s", k ? ", " : "", t->num[k], k == p->main ? "*" : "",
		    p->stop[k] == 1 ? " stopped(TCOOFF)" : p->stop[k] == 2 ?
		    " stopped(^S)" : "", k == p->own ? " owned by the server's session" : "");
	if (p->noaccept)
		sbf(s, "; never accepted");
	for (i = 0; i < p->nmsg; i++) {
		sbf(s, "; msg %d", i);
		if (p->msg[i].delay_ms)
			sbf(s, " after %ld ms", p->msg[i].delay_ms);
		sbf(s, ":");
		for (j = 0; j < p->msg[i].nbytes; j++)
			sbf(s, " %02x", p->msg[i].bytes[j]);
		for (j = 0; j < p->msg[i].nfds; j++) {
			k = p->spec[p->msg[i].first + j].pty;
			sbf(s, " %s", kindname[p->spec[p->msg[i].first + j].kind]);
			if (p->spec[p->msg[i].first + j].kind <= K_DEVTTY)
				sbf(s, "#%d", t->num[k]);
		}
	}
	if (p->close_after >= 0 && p->close_delay_ms < 0)
		sbf(s, "; closed after %d message(s), once they were read", p->close_after);
	else if (p->close_after >= 0)
		sbf(s, "; closed after %d message(s) +%ld ms", p->close_after,
		    p->close_delay_ms);
}

/* Open a fresh pty into slot K of T (master in *M, O_NOCTTY slave in *S). */
static void
open_pty(struct terms *t, int k, int *m, int *s)
{
	char name[64];

	if ((*m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		die(NAME, 111, "posix_openpt:");
	if (grantpt(*m) < 0 || unlockpt(*m) < 0 || ptsname_r(*m, name, sizeof(name)) != 0)
		die(NAME, 111, "unlock pty:");
	if ((*s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		die(NAME, 111, "open %s:", name);
	if (fstat(*s, &t->st[k]) < 0 || ioctl(*m, TIOCGPTN, &t->num[k]) < 0)
		die(NAME, 111, "identify %s:", name);
}

/* Wait (up to MS milliseconds) until writes to PATH would block; return 0, or -1 if they never do. */
static int
wait_stopped(const char *path, long ms)
{
	long long end = now_us() + ms * 1000;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0)
		die(NAME, 111, "open %s:", path);
	for (;;) {
		/* A NUL byte: nothing on a screen if output still runs. */
		r = write(fd, "", 1);
		if (r < 0 && errno == EAGAIN)
			break;
		if (r < 0 && errno != EINTR)
			die(NAME, 111, "write %s:", path);
		if (now_us() > end) {
			closefd(&fd);
			return -1;
		}
		sleep_ms(1);
	}
	closefd(&fd);
	return 0;
}

/* Stop the output of the pty with master M and slave S (at PATH) the way HOW says. */
static void
stop_output(int how, int m, int s, const char *path)
{
	struct termios tio;

	if (how == 1) {
		if (tcflow(s, TCOOFF) < 0)
			die(NAME, 111, "tcflow %s:", path);
	} else {
		if (tcgetattr(s, &tio) < 0)
			die(NAME, 111, "tcgetattr %s:", path);
		tio.c_iflag |= IXON;
		tio.c_iflag &= ~(tcflag_t)IXANY;
		tio.c_cc[VSTOP] = 0x13;
		if (tcsetattr(s, TCSANOW, &tio) < 0)
			die(NAME, 111, "tcsetattr %s:", path);
		if (write_all(m, "\x13", 1) < 0)
			die(NAME, 111, "type ^S into %s:", path);
	}
	if (wait_stopped(path, 1000) < 0)
		die(NAME, 111, "the output of %s did not stop", path);
}

/* The server's session: which pty is its controlling terminal, and an fd of it. */
static int ctty = -1, cttyfd = -1;

/* Make pty K (slave at PATH) the server's controlling terminal, or none if K < 0. */
static void
take_ctty(int k, const char *path)
{
	if (k == ctty)
		return;
	if (ctty >= 0) {
		if (ioctl(cttyfd, TIOCNOTTY) < 0)
			die(NAME, 111, "TIOCNOTTY:");
		closefd(&cttyfd);
		ctty = -1;
	}
	if (k < 0)
		return;
	if ((cttyfd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		die(NAME, 111, "open %s:", path);
	if (tcgetsid(cttyfd) != getpid())
		die(NAME, 111, "%s did not become our controlling terminal", path);
	ctty = k;
}

/* Open the fd that spec SP of plan P describes; slave paths in PATHS, pty fds in M and S. */
static int
make_fd(const struct spec *sp, char paths[][32], const int *m, const int *s, const char *dir, int i)
{
	char file[PATH_MAX];
	int fd = -1, p[2], k = sp->pty;

	switch (sp->kind) {
	case K_SLAVE:
		fd = fcntl(s[k], F_DUPFD_CLOEXEC, 3);
		break;
	case K_SLAVE_OPEN:
		fd = open(paths[k], O_RDWR | O_NOCTTY | O_CLOEXEC);
		break;
	case K_MASTER:
		fd = fcntl(m[k], F_DUPFD_CLOEXEC, 3);
		break;
	case K_DEVTTY:
		take_ctty(k, paths[k]);
		fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		break;
	case K_NULL:
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		break;
	case K_ZERO:
		fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
		break;
	case K_PIPE_R:
	case K_PIPE_W:
		if (pipe2(p, O_CLOEXEC) < 0)
			break;
		fd = p[sp->kind == K_PIPE_W];
		break;
	case K_SOCK:
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
			break;
		fd = p[0];
		break;
	case K_FILE:
		fmt(file, sizeof(file), "%s/file%d", dir, i);
		fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		break;
	case K_DIR:
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		break;
	case NKINDS:
		break;
	}
	if (fd < 0)
		die(NAME, 111, "make a %s fd:", kindname[sp->kind]);
	return fd;
}

/* Send BYTES (N of them) with the NFDS fds in FDS on socket C; return 0 or -1. */
static int
send_msg(int c, const unsigned char *bytes, int n, const int *fds, int nfds)
{
	ssize_t r;

	do
		r = send_fds(c, bytes, (size_t)n, fds, nfds);
	while (r < 0 && errno == EINTR);
	return r == n ? 0 : -1;
}

/* Wait (at most MS milliseconds) until the peer of socket C has read everything we sent. */
static void
wait_received(int c, long ms)
{
	long long end = now_us() + ms * 1000;
	int q;

	/* Spin: a sleep would often outlast the client's way to its ack. */
	while (ioctl(c, SIOCOUTQ, &q) == 0 && q > 0 && now_us() < end)
		if (sched_yield() < 0)
			die(NAME, 111, "sched_yield:");
}

/*
 * The hostile server of plan P: build its fds, accept on LFD, send, maybe
 * close early; then report "done CLOSED ACKED" on ST (ACKED: an ack had
 * arrived before it closed) and hold everything until killed.
 */
static void __attribute__((noreturn))
server_child(const struct plan *p, char paths[][32], const int *m, const int *s,
    int lfd, int st, const char *dir)
{
	int fds[MAXSPEC], i, c = -1, closed = 0, acked = 0, ok = 1;
	struct pollfd pf = { lfd, POLLIN, 0 };
	char buf[64];
	ssize_t n;

	die_with_parent();
	sig(SIGHUP, SIG_IGN);
	sig(SIGPIPE, SIG_IGN);
	if (setsid() < 0)
		die(NAME, 111, "setsid:");
	for (i = 0; i < p->nspec; i++)
		fds[i] = make_fd(&p->spec[i], paths, m, s, dir, i);
	take_ctty(p->own, p->own >= 0 ? paths[p->own] : NULL);
	if (p->noaccept) {
		closefd(&lfd);
	} else {
		for (;;) {
			i = poll(&pf, 1, (int)p->t_ms + 1500);
			if (i < 0 && errno == EINTR)
				continue;
			if (i < 0)
				die(NAME, 111, "poll:");
			break;
		}
		if (i > 0 && (c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			die(NAME, 111, "accept:");
		closefd(&lfd);
	}
	for (i = 0; c >= 0 && ok && i < p->nmsg && i != p->close_after; i++) {
		if (p->msg[i].delay_ms > 0)
			sleep_ms(p->msg[i].delay_ms);
		ok = send_msg(c, p->msg[i].bytes, p->msg[i].nbytes,
		    fds + p->msg[i].first, p->msg[i].nfds) == 0;
	}
	if (c >= 0 && p->close_after >= 0) {
		/* At once (no sleep call: it could let the client run first), or later. */
		if (p->close_delay_ms > 0)
			sleep_ms(p->close_delay_ms);
		else if (p->close_delay_ms < 0)
			wait_received(c, p->t_ms);
		/* After shutdown the client's ack fails: was one in before it? */
		if (shutdown(c, SHUT_RDWR) < 0 && errno != ENOTCONN)
			die(NAME, 111, "shutdown:");
		do
			n = recv(c, buf, sizeof(buf), MSG_DONTWAIT);
		while (n < 0 && errno == EINTR);
		acked = n > 0 && (unsigned char)buf[0] == BC_ACK;
		closed = 1;
		closefd(&c);
	}
	n = snprintf(buf, sizeof(buf), "done %d %d\n", closed, acked);
	if (n < 0 || write_all(st, buf, (size_t)n) < 0)
		die(NAME, 111, "write status:");
	for (;;)
		pause();
}

/* The result of one run, sent whole to the driver. */
struct result {
	uint64_t seed;
	uint32_t mask;
	uint8_t valid, on_pty, on_orig, pad;
};

/* Report violation bit V (named in NAMES) of the run with seed SEED in context CTX: one line. */
static void __attribute__((format(printf, 6, 7)))
violation(uint32_t *mask, uint32_t v, const char *const *names, uint64_t seed,
    const char *ctx, const char *f, ...)
{
	struct sb d = { .n = 0 };
	va_list ap;
	int i, r;

	*mask |= v;
	for (i = 0; i < 31 && !(v & (1U << i)); i++)
		;
	va_start(ap, f);
	r = vsnprintf(d.b, sizeof(d.b), f, ap);
	va_end(ap);
	if (r < 0)
		d.b[0] = '\0';
	emit("VIOLATION %s (seed %llu): %s [%s]", names[i], (unsigned long long)seed,
	    d.b, ctx);
}

/* Wait up to 3 s for the server's "done" line on ST; set *CLOSED and *ACKED. */
static void
server_done(int st, int *closed, int *acked)
{
	struct pollfd pf = { st, POLLIN, 0 };
	char buf[64];
	ssize_t n;
	int r;

	*closed = *acked = 0;
	do
		r = poll(&pf, 1, 3000);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return;
	n = read(st, buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "done %d %d", closed, acked) != 2)
		*closed = *acked = 0;
}

/* One run of the hostile server with seed SEED against bootcon-exec EXEC; write its result to RES. */
static void __attribute__((noreturn))
server_run(uint64_t seed, const char *exec, int res)
{
	char dir[PATH_MAX], report[PATH_MAX], sock[64], file[PATH_MAX], targ[16];
	char paths[MAXPTY][32], how[256], stbuf[32];
	int m[MAXPTY], s[MAXPTY], in[2], out, err, stp[2], lfd, k, st = 0, exited;
	int closed, acked;
	struct fdid orig[3];
	struct stat sst;
	struct sockaddr_un sun;
	struct report rep;
	struct result result;
	struct terms t;
	struct plan p;
	struct sb desc = { .n = 0 }, fds = { .n = 0 };
	socklen_t len;
	long long start;
	enum where w;
	pid_t server, client;
	char *argv[16];
	int argc = 0;
	uint32_t mask = 0;

	die_with_parent();
	sig(SIGPIPE, SIG_IGN);
	make_plan(&p, seed, geteuid() == 0);
	fmt(dir, sizeof(dir), "%s/run-%llu", base, (unsigned long long)seed);
	mk_dir(dir);
	memset(&t, 0, sizeof(t));
	t.n = p.npty;
	for (k = 0; k < p.npty; k++) {
		open_pty(&t, k, &m[k], &s[k]);
		fmt(paths[k], sizeof(paths[k]), "/dev/pts/%d", t.num[k]);
		if (p.stop[k])
			stop_output(p.stop[k], m[k], s[k], paths[k]);
	}
	describe_plan(&desc, &p, &t);

	fmt(sock, sizeof(sock), "@hostile-%ld-%llu", (long)getpid(), (unsigned long long)seed);
	if (!(len = mkaddr(&sun, sock)))
		die(NAME, 111, "socket name too long");
	if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		die(NAME, 111, "socket:");
	if (bind(lfd, (struct sockaddr *)&sun, len) < 0 || listen(lfd, 4) < 0)
		die(NAME, 111, "listen on %s:", sock);
	if (pipe2(stp, O_CLOEXEC) < 0)
		die(NAME, 111, "pipe:");
	if ((server = fork()) < 0)
		die(NAME, 111, "fork:");
	if (server == 0)
		server_child(&p, paths, m, s, lfd, stp[1], dir);
	closefd(&lfd);
	closefd(&stp[1]);

	/* The original stdio: a pipe and two files, each unlike anything sent. */
	if (pipe2(in, O_CLOEXEC) < 0)
		die(NAME, 111, "pipe:");
	fmt(file, sizeof(file), "%s/stdout", dir);
	if ((out = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		die(NAME, 111, "open %s:", file);
	fmt(file, sizeof(file), "%s/stderr", dir);
	if ((err = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		die(NAME, 111, "open %s:", file);
	if (fstat(in[0], &sst) < 0)
		die(NAME, 111, "fstat:");
	identify_stat(&sst, &orig[0]);
	if (fstat(out, &sst) < 0)
		die(NAME, 111, "fstat:");
	identify_stat(&sst, &orig[1]);
	if (fstat(err, &sst) < 0)
		die(NAME, 111, "fstat:");
	identify_stat(&sst, &orig[2]);

	fmt(report, sizeof(report), "%s/report", dir);
	fmt(targ, sizeof(targ), "%ld.%03ld", p.t_ms / 1000, p.t_ms % 1000);
	argv[argc++] = (char *)exec;
	argv[argc++] = "-s";
	argv[argc++] = sock;
	argv[argc++] = "-t";
	argv[argc++] = targ;
	if (p.fallback)
		argv[argc++] = "-f";
	if (p.verbose)
		argv[argc++] = "-v";
	if (p.noctty)
		argv[argc++] = "-C";
	argv[argc++] = "--";
	argv[argc++] = self;
	argv[argc++] = "probe";
	argv[argc++] = report;
	argv[argc] = NULL;

	start = now_us();
	if ((client = fork()) < 0)
		die(NAME, 111, "fork:");
	if (client == 0)
		exec_child(argv, in[0], out, err, p.uid);
	exited = wait_bounded(client, start + (p.t_ms + 1000) * 1000, &st);
	if (!exited) {
		proc_state(client, how, sizeof(how));
		violation(&mask, V_HANG, vname, seed, desc.b, "pid %ld (%s) still running "
		    "%lld ms after it started with -t %s", (long)client, how,
		    (now_us() - start) / 1000, targ);
		kill_reap(client);
	}
	memset(&result, 0, sizeof(result));
	result.seed = seed;
	result.valid = (uint8_t)p.valid;
	if (load_report(report, &rep) == 0) {
		w = classify(&rep, &t, orig, &k);
		describe_fds(&fds, &rep, &t, orig);
		switch (w) {
		case ONE_SLAVE:
			result.on_pty = 1;
			if (!p.valid)
				violation(&mask, V_BAD_ACCEPT, vname, seed, desc.b, "PROG ran "
				    "on pts/%d although %s", t.num[k], p.why);
			server_done(stp[0], &closed, &acked);
			if (closed && !acked)
				violation(&mask, V_AFTER_GIVE_UP, vname, seed, desc.b, "PROG "
				    "ran on pts/%d although the server had closed the "
				    "connection before the ack", t.num[k]);
			break;
		case ORIGINAL:
			result.on_orig = 1;
			if (!p.fallback)
				violation(&mask, V_FALLBACK, vname, seed, desc.b, "PROG ran on "
				    "its original stdio without -f");
			break;
		case TWO_TERMS:
			violation(&mask, V_TWO_TERMS, vname, seed, desc.b, "PROG ran on two "
			    "terminals: %s", fds.b);
			break;
		case NOT_SLAVE:
			violation(&mask, V_NOT_SLAVE, vname, seed, desc.b, "PROG ran on a "
			    "terminal through fds that are not opens of its slave: %s",
			    fds.b);
			break;
		case FOREIGN:
			violation(&mask, V_FOREIGN, vname, seed, desc.b, "PROG ran on fds "
			    "that are neither one terminal nor its original stdio: %s",
			    fds.b);
			break;
		}
		if (strcmp(rep.extra, "none") != 0)
			violation(&mask, V_LEAK, vname, seed, desc.b, "PROG has fds above 2 "
			    "open: %s", rep.extra);
	} else if (exited && (p.fallback || !WIFEXITED(st) ||
	    (WEXITSTATUS(st) != EX_REFUSED && WEXITSTATUS(st) != EX_SYS))) {
		fmt(file, sizeof(file), "%s/stderr", dir);
		if (slurp(file, how, sizeof(how)) < 0)
			how[0] = '\0';
		how[strcspn(how, "\n")] = '\0';
		violation(&mask, V_FALLBACK, vname, seed, desc.b, "PROG did not run and "
		    "bootcon-exec ended with %s%s (stderr: %s)",
		    status_str(st, stbuf, sizeof(stbuf)), p.fallback ? " despite -f" : "",
		    how);
	}
	kill_reap(server);
	rm_dir(dir);
	result.mask = mask;
	if (write_all(res, &result, sizeof(result)) < 0)
		die(NAME, 111, "write result:");
	_exit(0);
}

/* Parse a seed or count argument, dying on garbage. */
static unsigned long long
number(const char *s, const char *what)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno != 0 || *s == '-')
		die(NAME, 100, "bad %s: %s", what, s);
	return n;
}

/* Make the scratch directory and find this program's own path. */
static void
setup_common(void)
{
	const char *tmp = getenv("TMPDIR");
	ssize_t n;

	epoch = now_us();
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0)
		die(NAME, 111, "readlink /proc/self/exe:");
	self[n] = '\0';
	fmt(base, sizeof(base), "%s/hostile.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base))
		die(NAME, 111, "mkdtemp %s:", base);
	if (chmod(base, 0755) < 0)
		die(NAME, 111, "chmod %s:", base);
}

/* Append the per-kind counts in COUNT (with the first seed of each, if FIRST) to S. */
static void
kinds_summary(struct sb *s, const int *count, const uint64_t *first, int n, const char *const *names)
{
	int i, any = 0;

	for (i = 0; i < n; i++)
		if (count[i]) {
			sbf(s, "%s%s %d", any ? ", " : " (", names[i], count[i]);
			if (first)
				sbf(s, " (seed %llu)", (unsigned long long)first[i]);
			any = 1;
		}
	if (any)
		sbf(s, ")");
}

/* hostile server: RUNS randomized hostile-server runs, JOBS at a time. */
static int
server_main(int argc, char **argv)
{
	int jobs = 4, opt, active = 0, fds[2], st, i, total = 0, count[NVKINDS] = { 0 };
	int valid = 0, on_pty = 0, on_orig = 0;
	unsigned long long seed, runs, n = 0;
	uint64_t first[NVKINDS] = { 0 };
	struct result r;
	struct sb s = { .n = 0 };
	ssize_t rd;
	pid_t pid;

	optind = 2;
	while ((opt = getopt(argc, argv, "j:")) != -1) {
		if (opt != 'j')
			die(NAME, 100, "usage: hostile server [-j JOBS] SEED RUNS BOOTCON-EXEC");
		jobs = (int)number(optarg, "job count");
	}
	if (argc - optind != 3 || jobs < 1)
		die(NAME, 100, "usage: hostile server [-j JOBS] SEED RUNS BOOTCON-EXEC");
	seed = number(argv[optind], "seed");
	runs = number(argv[optind + 1], "run count");
	if (access(argv[optind + 2], X_OK) < 0)
		die(NAME, 100, "%s:", argv[optind + 2]);
	setup_common();
	if (pipe2(fds, O_CLOEXEC) < 0)
		die(NAME, 111, "pipe:");
	while (n < runs || active > 0) {
		if (n < runs && active < jobs) {
			if ((pid = fork()) < 0)
				die(NAME, 111, "fork:");
			if (pid == 0) {
				closefd(&fds[0]);
				server_run(seed + n, argv[optind + 2], fds[1]);
			}
			n++;
			active++;
			continue;
		}
		while ((pid = wait(&st)) < 0)
			if (errno != EINTR)
				die(NAME, 111, "wait:");
		active--;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			emit("VIOLATION harness: a run (pid %ld) ended with %s", (long)pid,
			    status_str(st, (char[32]){ 0 }, 32));
			count[8]++;
			total++;
			continue;
		}
		do
			rd = read(fds[0], &r, sizeof(r));
		while (rd < 0 && errno == EINTR);
		if (rd != (ssize_t)sizeof(r))
			die(NAME, 111, "read result:");
		valid += r.valid;
		on_pty += r.on_pty;
		on_orig += r.on_orig;
		for (i = 0; i < NVKINDS; i++)
			if (r.mask & (1U << i)) {
				if (!count[i]++)
					first[i] = r.seed;
				total++;
			}
	}
	sbf(&s, "hostile server: %llu runs from seed %llu, %d violations", runs, seed, total);
	kinds_summary(&s, count, first, NVKINDS, vname);
	sbf(&s, ", %.1f s; %d well-formed hand-offs, PROG ran on a pty %d times, on "
	    "its original stdio %d times", (double)(now_us() - epoch) / 1e6, valid,
	    on_pty, on_orig);
	emit("%s", s.b);
	if (total)
		emit("replay one run: hostile server SEED 1 %s", argv[optind + 2]);
	rm_dir(base);
	return total ? 1 : 0;
}

/* ---- hostile clients against a real bootcon-server ---- */

/* Violations of the clients mode, one bit each; I_* are facts, not violations. */
enum { C_HANG = 1, C_WRONG = 2, C_LEAK = 4, C_HARNESS = 8, C_SERVING = 16,
	C_OVERLAP = 32, C_SIGTERM = 64, NCKINDS = 7, I_WINDOW = 256, I_ORIG = 512 };

static const char *const cname[NCKINDS] = { "hang", "wrong-fds", "fd-leak",
	"harness", "serving", "two-programs", "sigterm" };

/* The clients mode's settings and what it learned. */
static struct {
	const char *exec, *sock, *tty, *stop, *start;
	pid_t server;
	struct terms win;
	char intervals[PATH_MAX];
	int root, seq, vserver;
	uint64_t seed;
} cl;

/* A real bootcon-exec client: its options, its original stdio and its argv. */
struct real {
	char label[40], dir[PATH_MAX], report[PATH_MAX], targ[16], harg[16];
	char ctx[160];
	long t_ms, hold_ms;
	int fallback, verbose, uid;
	int in[2], out, err;
	struct fdid orig[3];
	char *argv[20];
};

/* Set up real client C named LABEL (-t T_MS, PROG holding HOLD_MS, -f, -v, as UID or -1). */
static void
real_prepare(struct real *c, const char *label, long t_ms, long hold_ms,
    int fallback, int verbose, int uid)
{
	char file[PATH_MAX];
	struct stat st;
	int n = 0;

	memset(c, 0, sizeof(*c));
	fmt(c->label, sizeof(c->label), "%s-%d", label, ++cl.seq);
	c->t_ms = t_ms;
	c->hold_ms = hold_ms;
	c->fallback = fallback;
	c->verbose = verbose;
	c->uid = uid;
	fmt(c->ctx, sizeof(c->ctx), "%s: bootcon-exec -t %ld.%03ld%s%s%s, PROG holds "
	    "%ld ms", c->label, t_ms / 1000, t_ms % 1000, fallback ? " -f" : "",
	    verbose ? " -v" : "", uid >= 0 ? " as uid 65534" : "", hold_ms);
	fmt(c->dir, sizeof(c->dir), "%s/%s", base, c->label);
	mk_dir(c->dir);
	if (pipe2(c->in, O_CLOEXEC) < 0)
		die(NAME, 111, "pipe:");
	fmt(file, sizeof(file), "%s/stdout", c->dir);
	if ((c->out = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		die(NAME, 111, "open %s:", file);
	fmt(file, sizeof(file), "%s/stderr", c->dir);
	if ((c->err = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		die(NAME, 111, "open %s:", file);
	if (fstat(c->in[0], &st) < 0)
		die(NAME, 111, "fstat:");
	identify_stat(&st, &c->orig[0]);
	if (fstat(c->out, &st) < 0)
		die(NAME, 111, "fstat:");
	identify_stat(&st, &c->orig[1]);
	if (fstat(c->err, &st) < 0)
		die(NAME, 111, "fstat:");
	identify_stat(&st, &c->orig[2]);
	fmt(c->report, sizeof(c->report), "%s/report", c->dir);
	fmt(c->targ, sizeof(c->targ), "%ld.%03ld", t_ms / 1000, t_ms % 1000);
	fmt(c->harg, sizeof(c->harg), "%ld", hold_ms);
	c->argv[n++] = (char *)cl.exec;
	c->argv[n++] = "-s";
	c->argv[n++] = (char *)cl.sock;
	c->argv[n++] = "-t";
	c->argv[n++] = c->targ;
	if (fallback)
		c->argv[n++] = "-f";
	if (verbose)
		c->argv[n++] = "-v";
	c->argv[n++] = "--";
	c->argv[n++] = self;
	c->argv[n++] = "probe";
	c->argv[n++] = c->report;
	c->argv[n++] = c->harg;
	c->argv[n++] = cl.intervals;
	c->argv[n++] = c->label;
	c->argv[n] = NULL;
}

/* Start real client C; with TRACED it stops itself for a ptrace tracer before the exec. */
static pid_t
real_spawn(struct real *c, int traced)
{
	pid_t pid;

	if ((pid = fork()) < 0)
		die(NAME, 111, "fork:");
	if (pid > 0)
		return pid;
	if (traced && (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 || raise(SIGSTOP) != 0))
		die(NAME, 126, "ptrace TRACEME:");
	exec_child(c->argv, c->in[0], c->out, c->err, c->uid);
}

/*
 * Wait for real client C (pid PID, counted from START) to finish within -t +
 * 1 s plus its hold (or take its STATUS when HAVE is set), then check where
 * PROG ran; with MUST_WIN it must have got the window.  Return the mask.
 */
static uint32_t
real_check(struct real *c, pid_t pid, long long start, int have, int status, int must_win)
{
	char how[256], sbuf[32], file[PATH_MAX];
	struct sb fds = { .n = 0 };
	struct report rep;
	uint32_t mask = 0;
	int st = status, exited = have, k;
	enum where w;

	if (!have)
		exited = wait_bounded(pid, start + (c->t_ms + 1000 + c->hold_ms) * 1000, &st);
	if (!exited) {
		proc_state(pid, how, sizeof(how));
		violation(&mask, C_HANG, cname, cl.seed, c->ctx, "pid %ld (%s) still "
		    "running %lld ms after it started with -t %s", (long)pid, how,
		    (now_us() - start) / 1000, c->targ);
		kill_reap(pid);
	}
	if (load_report(c->report, &rep) == 0) {
		w = classify(&rep, &cl.win, c->orig, &k);
		describe_fds(&fds, &rep, &cl.win, c->orig);
		if (w == ONE_SLAVE)
			mask |= I_WINDOW;
		else if (w == ORIGINAL && c->fallback)
			mask |= I_ORIG;
		else
			violation(&mask, C_WRONG, cname, cl.seed, c->ctx, "PROG ran on %s",
			    w == ORIGINAL ? "its original stdio without -f" : fds.b);
		if (strcmp(rep.extra, "none") != 0)
			violation(&mask, C_LEAK, cname, cl.seed, c->ctx, "PROG has fds "
			    "above 2 open: %s", rep.extra);
	} else if (exited && (c->fallback || !WIFEXITED(st) ||
	    (WEXITSTATUS(st) != EX_REFUSED && WEXITSTATUS(st) != EX_SYS))) {
		fmt(file, sizeof(file), "%s/stderr", c->dir);
		if (slurp(file, how, sizeof(how)) < 0)
			how[0] = '\0';
		how[strcspn(how, "\n")] = '\0';
		violation(&mask, C_WRONG, cname, cl.seed, c->ctx, "PROG did not run and "
		    "bootcon-exec ended with %s%s (stderr: %s)",
		    status_str(st, sbuf, sizeof(sbuf)), c->fallback ? " despite -f" : "", how);
	}
	if (must_win && !(mask & I_WINDOW)) {
		fmt(file, sizeof(file), "%s/stderr", c->dir);
		if (slurp(file, how, sizeof(how)) < 0)
			how[0] = '\0';
		how[strcspn(how, "\n")] = '\0';
		violation(&mask, C_SERVING, cname, cl.seed, c->ctx, "the server did not "
		    "hand its window to a plain client: %s (stderr: %s)", exited ?
		    status_str(st, sbuf, sizeof(sbuf)) : "killed", how);
	}
	rm_dir(c->dir);
	return mask;
}

/* Connect to the server's socket; return the socket, or -1. */
static int
connect_server(void)
{
	struct sockaddr_un sun;
	socklen_t len;
	int s;

	if (!(len = mkaddr(&sun, cl.sock)))
		die(NAME, 100, "socket name too long: %s", cl.sock);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		die(NAME, 111, "socket:");
	if (connect(s, (struct sockaddr *)&sun, len) < 0) {
		closefd(&s);
		return -1;
	}
	return s;
}

/* Wait up to MS for socket S to be readable (or hung up); return 1 if it is. */
static int
readable(int s, int ms, short ev)
{
	struct pollfd pf = { s, ev, 0 };
	long long end = now_us() + ms * 1000LL;
	int r;

	for (;;) {
		r = poll(&pf, 1, (int)((end - now_us()) / 1000));
		if (r > 0)
			return 1;
		if (r == 0 || (r < 0 && errno != EINTR))
			return 0;
		if (now_us() >= end)
			return 0;
	}
}

/* Receive the server's message on S within MS; return the tag and keep up to 8 fds in FDS (count in *N). */
static int
fake_recv(int s, int ms, int *fds, int *n)
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

	*n = 0;
	if (!readable(s, ms, POLLIN))
		return -1;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	do
		r = recvmsg(s, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			*n = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			if (*n > 8)
				*n = 8;
			memcpy(fds, CMSG_DATA(cm), (size_t)*n * sizeof(int));
		}
	return tag;
}

/* The kinds of client. */
enum ck { CK_REAL, CK_REAL_NOBODY, CK_LEAVE, CK_READCLOSE, CK_GARBAGE,
	CK_REFUSED, CK_NOREAD, CK_NOACK, CK_BADACK_HOLD, CK_LATEACK, NCK };

static const char *const ckname[NCK] = { "real", "real-nobody", "leave",
	"read-close", "garbage-ack", "refused", "never-read", "never-ack",
	"garbage-ack-hold", "late-ack" };

/* In an episode child: be a hostile client of kind K, then exit 0. */
static void __attribute__((noreturn))
fake_client(enum ck k)
{
	static const char junk[] = "\x15garbage\xff";
	static const char ack[] = "\x06late";
	int s, fds[8], n = 0, i;

	if (k == CK_REFUSED)
		become(NOBODY);
	if ((s = connect_server()) < 0)
		_exit(0);
	switch (k) {
	case CK_LEAVE:
		break;
	case CK_READCLOSE:
		(void)fake_recv(s, 2000, fds, &n);
		break;
	case CK_GARBAGE:
	case CK_BADACK_HOLD:
		if (fake_recv(s, 2000, fds, &n) >= 0 && write_all(s, junk, sizeof(junk) - 1) == 0 &&
		    k == CK_BADACK_HOLD)
			(void)readable(s, 7000, POLLRDHUP);
		break;
	case CK_REFUSED:
		/* The server closes a refused connection at once, with a line in the window. */
		(void)readable(s, 1000, POLLRDHUP);
		break;
	case CK_NOREAD:
		(void)readable(s, 7000, POLLRDHUP);
		break;
	case CK_NOACK:
	case CK_LATEACK:
		if (fake_recv(s, 2000, fds, &n) >= 0 && readable(s, 7000, POLLRDHUP) &&
		    k == CK_LATEACK && write_all(s, ack, sizeof(ack) - 1) < 0 && errno != EPIPE)
			die(NAME, 111, "write:");
		break;
	default:
		break;
	}
	for (i = 0; i < n; i++)
		closefd(&fds[i]);
	closefd(&s);
	_exit(0);
}

/* Active episodes (children) and the tallies of their results. */
static pid_t active[16];
static int nactive, ccount[NCKINDS], creal, cwin, corig;

/* Fold an episode's exit STATUS (a mask) into the tallies. */
static void
tally(int st, pid_t pid)
{
	char sbuf[32];
	uint32_t m;
	int i;

	if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && !(WEXITSTATUS(st) & 128))) {
		emit("VIOLATION harness (seed %llu): episode pid %ld ended with %s",
		    (unsigned long long)cl.seed, (long)pid, status_str(st, sbuf, sizeof(sbuf)));
		ccount[3]++;
		return;
	}
	m = (uint32_t)WEXITSTATUS(st);
	if (m & 128) {
		cwin += !!(m & 64);
		corig += !!(m & 32);
		m &= 31;
		creal++;
	}
	for (i = 0; i < NCKINDS; i++)
		if (m & (1U << i))
			ccount[i]++;
}

/* Turn a real client's mask into an exit status (violations in bits 0-4, facts above). */
static int
real_status(uint32_t m)
{
	return 128 | (int)(m & 31) | (m & I_WINDOW ? 64 : 0) | (m & I_ORIG ? 32 : 0);
}

/* Reap finished episodes; with ALL, wait (up to 15 s) until none is left. */
static void
reap(int all)
{
	long long end = now_us() + 15000000;
	int i, st;
	pid_t r;

	for (;;) {
		for (i = 0; i < nactive; i++) {
			r = waitpid(active[i], &st, WNOHANG);
			if (r < 0 && errno != EINTR)
				die(NAME, 111, "waitpid:");
			if (r != active[i])
				continue;
			tally(st, r);
			active[i--] = active[--nactive];
		}
		if (!all || nactive == 0)
			return;
		if (now_us() > end) {
			for (i = 0; i < nactive; i++) {
				emit("VIOLATION harness (seed %llu): episode pid %ld did not "
				    "end", (unsigned long long)cl.seed, (long)active[i]);
				ccount[3]++;
				kill_reap(active[i]);
			}
			nactive = 0;
			return;
		}
		sleep_ms(2);
	}
}

/* Remember episode PID as active. */
static void
track(pid_t pid)
{
	if (nactive == (int)(sizeof(active) / sizeof(active[0])))
		die(NAME, 111, "too many episodes");
	active[nactive++] = pid;
}

/* Start an episode running real client C (with MUST_WIN: it must get the window). */
static pid_t
spawn_real(struct real *c, int must_win)
{
	long long start;
	pid_t pid, client;

	if ((pid = fork()) < 0)
		die(NAME, 111, "fork:");
	if (pid == 0) {
		die_with_parent();
		start = now_us();
		client = real_spawn(c, 0);
		_exit(real_status(real_check(c, client, start, 0, 0, must_win)));
	}
	closefd(&c->in[0]);
	closefd(&c->in[1]);
	closefd(&c->out);
	closefd(&c->err);
	track(pid);
	return pid;
}

/* Start an episode of kind K (real ones with options drawn from R) in a child. */
static pid_t
episode(enum ck k, uint64_t *r)
{
	struct real c;
	pid_t pid;

	if (k == CK_REAL || k == CK_REAL_NOBODY) {
		real_prepare(&c, ckname[k], 300 + rnd(r, 1700), 10 + rnd(r, 140),
		    chance(r, 30), chance(r, 30), k == CK_REAL_NOBODY ? NOBODY : -1);
		return spawn_real(&c, 0);
	}
	if ((pid = fork()) < 0)
		die(NAME, 111, "fork:");
	if (pid == 0) {
		die_with_parent();
		fake_client(k);
	}
	track(pid);
	return pid;
}

/* Return whether the intervals file has a WHAT (start or end) line for LABEL. */
static int
logged(const char *what, const char *label)
{
	static char text[1 << 17];
	char *line, *save = NULL, w[8], l[40];

	if (slurp(cl.intervals, text, sizeof(text)) < 0)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%7s %*d %*u %*d %39s", w, l) == 2 &&
		    strcmp(w, what) == 0 && strcmp(l, label) == 0)
			return 1;
	return 0;
}

/* Wait up to MS milliseconds for a WHAT line for LABEL; return whether it came. */
static int
wait_logged(const char *what, const char *label, long ms)
{
	long long end = now_us() + ms * 1000;

	while (!logged(what, label))
		if (now_us() >= end)
			return 0;
		else
			sleep_ms(5);
	return 1;
}

/* Run the shell command CMD and wait for it (up to 5 s); return 0 if it succeeded. */
static int
run_cmd(const char *cmd)
{
	int st, null;
	pid_t pid;

	if ((pid = fork()) < 0)
		die(NAME, 111, "fork:");
	if (pid == 0) {
		if ((null = open("/dev/null", O_RDONLY)) < 0 || dup2(null, 0) < 0)
			die(NAME, 111, "stdin:");
		close_from(3);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		die(NAME, 127, "exec /bin/sh:");
	}
	if (!wait_until(pid, now_us() + 5000000, &st)) {
		kill_reap(pid);
		return -1;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/*
 * Wait (up to 3 s) until the server hands its terminal to a new connection,
 * which we then close: it is done with the last holder, including
 * restarting the window's output (restore_terminal), which would undo a ^S
 * typed before.
 */
static void
wait_idle(void)
{
	long long end = now_us() + 3000000;
	int s, fds[8], n = 0, i, tag = -1;

	while (tag != BC_TAG && now_us() < end) {
		if ((s = connect_server()) < 0)
			return;
		tag = fake_recv(s, 2000, fds, &n);
		for (i = 0; i < n; i++)
			closefd(&fds[i]);
		closefd(&s);
		if (tag != BC_TAG)
			sleep_ms(10);
	}
}

/* Stop the window's output with the STOP-CMD (once the server is idle) and wait until it is stopped; return 0 if so. */
static int
stop_window(void)
{
	wait_idle();
	if (run_cmd(cl.stop) < 0) {
		emit("VIOLATION harness (seed %llu): the stop command failed: %s",
		    (unsigned long long)cl.seed, cl.stop);
		ccount[3]++;
		return -1;
	}
	/* tmux types the ^S when its event loop gets to it: allow for a loaded machine. */
	if (cl.tty && wait_stopped(cl.tty, 5000) < 0) {
		emit("VIOLATION harness (seed %llu): the output of %s did not stop after: %s",
		    (unsigned long long)cl.seed, cl.tty, cl.stop);
		ccount[3]++;
		return -1;
	}
	return 0;
}

/* Restart the window's output with the START-CMD. */
static void
start_window(void)
{
	if (cl.start && run_cmd(cl.start) < 0) {
		emit("VIOLATION harness (seed %llu): the start command failed: %s",
		    (unsigned long long)cl.seed, cl.start);
		ccount[3]++;
	}
}

/* Return the tty behind FD (TIOCGDEV), or NOTTY. */
static unsigned long long
identify_tdev(int fd)
{
	struct fdid d;

	identify(fd, &d);
	return d.tdev;
}

/*
 * A client that forks after connecting: the child takes the window and
 * acks, the parent (whose pid the server watches) exits; then a real
 * client asks for the window while the child still holds it.
 */
static void
fork_scenario(uint64_t *r)
{
	char label[40];
	int nt[2], s, fds[8], n, st;
	long hold = 400 + rnd(r, 400);
	pid_t pid, child;
	char b = 0;

	fmt(label, sizeof(label), "forked-child-%d", ++cl.seq);
	if (pipe2(nt, O_CLOEXEC) < 0)
		die(NAME, 111, "pipe:");
	if ((pid = fork()) < 0)
		die(NAME, 111, "fork:");
	if (pid == 0) {
		if ((s = connect_server()) < 0)
			_exit(0);
		if ((child = fork()) < 0)
			die(NAME, 111, "fork:");
		if (child == 0) {
			/* The child: take the window, ack, hold it. */
			closefd(&nt[0]);
			if (fake_recv(s, 3000, fds, &n) == BC_TAG && n == 3 &&
			    write_all(s, "\x06" "forked", 7) == 0) {
				closefd(&s);
				interval(cl.intervals, "start", identify_tdev(fds[0]), label);
				if (write_all(nt[1], "a", 1) < 0)
					die(NAME, 111, "write:");
				sleep_ms(hold);
				interval(cl.intervals, "end", identify_tdev(fds[0]), label);
			} else if (write_all(nt[1], "n", 1) < 0)
				die(NAME, 111, "write:");
			_exit(0);
		}
		closefd(&s);
		closefd(&nt[1]);
		if (readable(nt[0], 4000, POLLIN) && read(nt[0], &b, 1) < 0)
			die(NAME, 111, "read:");
		_exit(0);
	}
	closefd(&nt[0]);
	closefd(&nt[1]);
	if (!wait_until(pid, now_us() + 6000000, &st))
		kill_reap(pid);
	/* The forker is gone, its child holds the window: ask for it now. */
	episode(CK_REAL, r);
	reap(1);
	/* Then let the child (no episode of ours: it was the forker's) finish. */
	if (logged("start", label))
		(void)wait_logged("end", label, hold + 3000);
}


#ifdef PTRACE_GET_SYSCALL_INFO
/*
 * In the tracer child: run real client C under ptrace, stop it on entering
 * its first send (the ack), say 's' on NT (or 'x' if it never got there),
 * wait for a byte on GO, let it go on, and exit with its mask.
 */
static void __attribute__((noreturn))
tracer(struct real *c, int nt, int go)
{
	struct __ptrace_syscall_info info;
	int st, sg = 0, stalled = 0;
	long long start = now_us();
	pid_t pid;
	char b;

	pid = real_spawn(c, 1);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die(NAME, 111, "waitpid:");
	if (!WIFSTOPPED(st) || ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)
	    (PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC)) < 0) {
		/* No ptrace here (PTRACE_TRACEME refused): nothing to test. */
		if (WIFSTOPPED(st))
			kill_reap(pid);
		if (write_all(nt, "x", 1) < 0)
			die(NAME, 111, "write:");
		rm_dir(c->dir);
		_exit(0);
	}
	while (WIFSTOPPED(st)) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sg) < 0)
			die(NAME, 111, "ptrace SYSCALL:");
		sg = 0;
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				die(NAME, 111, "waitpid:");
		if (!WIFSTOPPED(st))
			break;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) > 0 &&
			    info.op == PTRACE_SYSCALL_INFO_ENTRY &&
			    (info.entry.nr == SYS_sendto || info.entry.nr == SYS_sendmsg)) {
				stalled = 1;
				break;
			}
		} else if ((st >> 8) != (SIGTRAP | (PTRACE_EVENT_EXEC << 8)))
			sg = WSTOPSIG(st);
	}
	if (write_all(nt, stalled ? "s" : "x", 1) < 0)
		die(NAME, 111, "write:");
	if (!stalled)
		_exit(real_status(real_check(c, pid, start, 1, st, 0)));
	if (readable(go, 15000, POLLIN) && read(go, &b, 1) < 0)
		die(NAME, 111, "read:");
	if (ptrace(PTRACE_DETACH, pid, NULL, NULL) < 0)
		die(NAME, 111, "ptrace DETACH:");
	_exit(real_status(real_check(c, pid, now_us(), 0, 0, 0)));
}
#endif

static int cstalled;

/*
 * A real client stalled between taking the window and acking, for longer
 * than the server waits for an ack: once the server has handed the window
 * to a holder, the stalled client is let go.
 */
static void
stall_scenario(uint64_t *r)
{
#ifdef PTRACE_GET_SYSCALL_INFO
	struct real c, h;
	int nt[2], go[2];
	pid_t pid;
	char b = 0;

	real_prepare(&c, "stalled-at-ack", 500 + rnd(r, 7500), 100, chance(r, 30),
	    chance(r, 30), -1);
	if (pipe2(nt, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
		die(NAME, 111, "pipe:");
	if ((pid = fork()) < 0)
		die(NAME, 111, "fork:");
	if (pid == 0) {
		die_with_parent();
		closefd(&nt[0]);
		closefd(&go[1]);
		tracer(&c, nt[1], go[0]);
	}
	track(pid);
	closefd(&c.in[0]);
	closefd(&c.in[1]);
	closefd(&c.out);
	closefd(&c.err);
	closefd(&nt[1]);
	closefd(&go[0]);
	if (!readable(nt[0], (int)c.t_ms + 3000, POLLIN) || read(nt[0], &b, 1) != 1)
		b = 0;
	if (b == 's') {
		cstalled++;
		/* A holder that waits out the server's ack timeout, then takes the window. */
		real_prepare(&h, "holder-after-ack-timeout", 10000, 1500, 0, 0, -1);
		spawn_real(&h, 0);
		(void)wait_logged("start", h.label, 10000);
	} else {
		emit("hostile clients: note: %s never reached its ack (ptrace not "
		    "permitted, or no hand-off); no stall tested", c.label);
	}
	if (write_all(go[1], "g", 1) < 0)
		die(NAME, 111, "write:");
	closefd(&nt[0]);
	closefd(&go[1]);
	reap(1);
#else
	(void)r;
	emit("hostile clients: note: no PTRACE_GET_SYSCALL_INFO; no stall tested");
#endif
}

/* A stretch with the window's output stopped: a refused client, a leaver, two real ones. */
static void
stopped_stretch(uint64_t *r)
{
	reap(1);
	if (stop_window() == 0) {
		if (cl.root)
			episode(CK_REFUSED, r);
		episode(CK_LEAVE, r);
		episode(CK_REAL, r);
		episode(CK_REAL, r);
		reap(1);
	}
	start_window();
}

/* Return whether process PID (not our child) still exists and is not a zombie. */
static int
alive(pid_t pid)
{
	char c = proc_letter(pid);

	return c != '?' && c != 'Z' && c != 'X';
}

/*
 * With the window's output stopped, connect (as uid 65534 if REFUSED) and
 * wait up to 1 s for the server's answer (closing a refused connection,
 * sending an allowed one the terminal); return 1 if it answered, 0 if not,
 * -1 if the check could not run.
 */
static int
poke(int refused)
{
	int st, s;
	pid_t pid;

	if ((pid = fork()) < 0)
		die(NAME, 111, "fork:");
	if (pid == 0) {
		if (refused)
			become(NOBODY);
		if ((s = connect_server()) < 0)
			_exit(2);
		_exit(readable(s, 1000, refused ? POLLRDHUP : POLLIN) ? 0 : 1);
	}
	if (!wait_until(pid, now_us() + 3000000, &st)) {
		kill_reap(pid);
		return -1;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) < 2 ? WEXITSTATUS(st) == 0 : -1;
}

/*
 * The end: a plain hand-off must get the window; then, with the window's
 * output stopped, a connection that makes the server write a line (a
 * refused one as uid 65534 when root, else an allowed one to a -v server)
 * must be answered within 1 s, and SIGTERM must stop the server within 1 s.
 */
static void
final_checks(void)
{
	const char *what = cl.vserver ? "an allowed connection (its \"connection from\" "
	    "line)" : cl.root ? "a refused connection (uid 65534, its \"refused\" line)" :
	    "an allowed connection (no line: not root and the server is not -v)";
	struct real c;
	uint32_t mask = 0;
	long long end;
	int answered;

	reap(1);
	real_prepare(&c, "final", 10000, 0, 0, 0, -1);
	spawn_real(&c, 1);
	reap(1);
	if (!cl.server || !cl.stop)
		return;
	if (!alive(cl.server)) {
		violation(&mask, C_SERVING, cname, cl.seed, "the end", "the server "
		    "(pid %ld) is gone before its SIGTERM", (long)cl.server);
		ccount[4]++;
		return;
	}
	if (stop_window() < 0) {
		start_window();
		return;
	}
	answered = poke(cl.root && !cl.vserver);
	if (answered == 0) {
		violation(&mask, C_SERVING, cname, cl.seed, "the end", "with its "
		    "window's output stopped, the server left %s unanswered for 1 s: "
		    "it blocks writing to its window", what);
		ccount[4]++;
	}
	if (kill(cl.server, SIGTERM) < 0)
		die(NAME, 111, "kill %ld:", (long)cl.server);
	end = now_us() + 1000000;
	while (alive(cl.server) && now_us() < end)
		sleep_ms(5);
	if (alive(cl.server)) {
		violation(&mask, C_SIGTERM, cname, cl.seed, "the end", "the server "
		    "(pid %ld) still runs 1 s after SIGTERM, with its window's output "
		    "stopped and %s pending", (long)cl.server, what);
		ccount[6]++;
	}
	start_window();
	end = now_us() + 2000000;
	while (alive(cl.server) && now_us() < end)
		sleep_ms(5);
}

/* A program's hold of a window, from the intervals file. */
struct iv {
	long pid;
	unsigned long long win;
	long long s, e;
	char label[40];
};

/* Report every two programs that held one window at the same time. */
static void
check_overlaps(void)
{
	static char text[1 << 17];
	static struct iv iv[512];
	char what[8], label[40], *line, *save = NULL;
	unsigned long long win;
	long long t, ei, ej;
	uint32_t mask = 0;
	int n = 0, i, j;
	long pid;

	if (slurp(cl.intervals, text, sizeof(text)) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%7s %ld %llu %lld %39s", what, &pid, &win, &t, label) != 5)
			continue;
		if (strcmp(what, "start") == 0 && n < 512) {
			iv[n] = (struct iv){ pid, win, t, -1, "" };
			snprintf(iv[n].label, sizeof(iv[n].label), "%s", label);
			n++;
		} else if (strcmp(what, "end") == 0) {
			for (i = n - 1; i >= 0; i--)
				if (iv[i].pid == pid && iv[i].e < 0 && strcmp(iv[i].label, label) == 0) {
					iv[i].e = t;
					break;
				}
		}
	}
	for (i = 0; i < n; i++) {
		struct sb o = { .n = 0 };
		int others = 0;

		ei = iv[i].e < 0 ? LLONG_MAX : iv[i].e;
		for (j = i + 1; j < n; j++) {
			ej = iv[j].e < 0 ? LLONG_MAX : iv[j].e;
			if (iv[i].win != iv[j].win || iv[i].s >= ej || iv[j].s >= ei)
				continue;
			if (others++ < 6)
				sbf(&o, "%s%s (pid %ld, %lld-%lld ms)", others > 1 ? ", " : "",
				    iv[j].label, iv[j].pid, (iv[j].s - epoch) / 1000,
				    iv[j].e < 0 ? -1 : (iv[j].e - epoch) / 1000);
		}
		if (!others)
			continue;
		if (others > 6)
			sbf(&o, " and %d more", others - 6);
		ccount[5]++;
		violation(&mask, C_OVERLAP, cname, cl.seed, "intervals", "two programs "
		    "on the window %u:%u at once: %s (pid %ld) held it from %lld to %lld "
		    "ms, and meanwhile %s took it too", major(iv[i].win), minor(iv[i].win),
		    iv[i].label, iv[i].pid, (iv[i].s - epoch) / 1000,
		    iv[i].e < 0 ? -1 : (iv[i].e - epoch) / 1000, o.b);
	}
}

/* Reap the orphans we adopted as subreaper (forked clients' children), killing stragglers. */
static void
reap_orphans(void)
{
	long long end = now_us() + 3000000;
	char path[64], text[4096], *p, *q;
	long pid;
	int st;
	pid_t r;

	for (;;) {
		r = waitpid(-1, &st, WNOHANG);
		if (r < 0 && errno == ECHILD)
			return;
		if (r < 0 && errno != EINTR)
			die(NAME, 111, "waitpid:");
		if (r > 0)
			continue;
		if (now_us() > end)
			break;
		sleep_ms(5);
	}
	fmt(path, sizeof(path), "/proc/self/task/%ld/children", (long)getpid());
	if (slurp(path, text, sizeof(text)) > 0)
		for (p = text; (pid = strtol(p, &q, 10)) > 0; p = q) {
			emit("VIOLATION harness (seed %llu): pid %ld outlived the test; killed",
			    (unsigned long long)cl.seed, pid);
			ccount[3]++;
			kill_reap((pid_t)pid);
		}
}

/* Find PROG on $PATH into BUF (of size N); return BUF, or NULL. */
static const char *
on_path(const char *prog, char *buf, size_t n)
{
	const char *path = getenv("PATH"), *p, *e;
	size_t l;

	if (strchr(prog, '/'))
		return prog;
	for (p = path ? path : "/usr/bin:/bin"; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		l = (size_t)(e - p);
		if (l > 0 && (size_t)snprintf(buf, n, "%.*s/%s", (int)l, p, prog) < n &&
		    access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

#define CUSAGE "usage: hostile clients [-V] [-e BOOTCON-EXEC] [-w TTY] [-p SERVER-PID] " \
	"[-S STOP-CMD] [-Q START-CMD] SEED RUNS SOCKET"

/* hostile clients: a swarm of RUNS hostile clients against a real server. */
static int
clients_main(int argc, char **argv)
{
	static char execbuf[PATH_MAX];
	unsigned long long runs, i;
	long stall_at = -1, stop_at = -1, fork_at, slow_at, forks = 0, conc = 1, x;
	const char *exec = "bootcon-exec";
	struct sb s = { .n = 0 };
	uint64_t r;
	enum ck k;
	int opt, fd, total = 0, j;

	optind = 2;
	while ((opt = getopt(argc, argv, "e:w:p:S:Q:V")) != -1) {
		switch (opt) {
		case 'V': cl.vserver = 1; break;
		case 'e': exec = optarg; break;
		case 'w': cl.tty = optarg; break;
		case 'p': cl.server = (pid_t)number(optarg, "pid"); break;
		case 'S': cl.stop = optarg; break;
		case 'Q': cl.start = optarg; break;
		default: die(NAME, 100, CUSAGE);
		}
	}
	if (argc - optind != 3)
		die(NAME, 100, CUSAGE);
	cl.seed = number(argv[optind], "seed");
	runs = number(argv[optind + 1], "run count");
	cl.sock = argv[optind + 2];
	if (!(cl.exec = on_path(exec, execbuf, sizeof(execbuf))))
		die(NAME, 100, "%s: not found", exec);
	cl.root = geteuid() == 0;
	if (cl.tty) {
		if (stat(cl.tty, &cl.win.st[0]) < 0 || !S_ISCHR(cl.win.st[0].st_mode))
			die(NAME, 100, "%s: not a terminal", cl.tty);
		cl.win.n = 1;
		cl.win.num[0] = (int)strtol(cl.tty + strcspn(cl.tty, "0123456789"), NULL, 10);
	}
	setup_common();
	fmt(cl.intervals, sizeof(cl.intervals), "%s/intervals", base);
	if ((fd = open(cl.intervals, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0 ||
	    fchmod(fd, 0666) < 0)
		die(NAME, 111, "create %s:", cl.intervals);
	closefd(&fd);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die(NAME, 111, "prctl SUBREAPER:");
	sig(SIGPIPE, SIG_IGN);

	r = cl.seed;
	if (runs >= 8) {
		stall_at = (long)(runs / 4) + rnd(&r, (long)(runs / 2));
		if (cl.stop)
			stop_at = (long)(runs * 2 / 3) + rnd(&r, (long)(runs / 6));
	}
	fork_at = rnd(&r, (long)runs);
	slow_at = runs >= 8 ? rnd(&r, (long)runs) : -1;
	for (i = 0; i < runs; i++) {
		if (i % 8 == 0)
			conc = 1 + rnd(&r, 3);
		if ((long)i == stall_at) {
			reap(1);
			stall_scenario(&r);
			continue;
		}
		if ((long)i == stop_at) {
			stopped_stretch(&r);
			continue;
		}
		x = rnd(&r, 100);
		if ((long)i == fork_at || (x < 3 && forks < 3)) {
			reap(1);
			fork_scenario(&r);
			forks++;
			continue;
		}
		k = x < 36 ? CK_REAL : x < 42 ? CK_REAL_NOBODY : x < 54 ? CK_LEAVE :
		    x < 70 ? CK_READCLOSE : x < 84 ? CK_GARBAGE : CK_REFUSED;
		if (!cl.root && (k == CK_REAL_NOBODY || k == CK_REFUSED))
			k = CK_LEAVE;
		if ((long)i == slow_at)
			k = (enum ck)(CK_NOREAD + rnd(&r, 4));
		while (nactive >= conc) {
			reap(0);
			if (nactive >= conc)
				sleep_ms(1);
		}
		episode(k, &r);
		if (chance(&r, 50))
			sleep_ms(rnd(&r, 30));
	}
	final_checks();
	check_overlaps();
	reap_orphans();

	for (j = 0; j < NCKINDS; j++)
		total += ccount[j];
	sbf(&s, "hostile clients: %llu clients from seed %llu, %d violations", runs,
	    (unsigned long long)cl.seed, total);
	kinds_summary(&s, ccount, NULL, NCKINDS, cname);
	sbf(&s, ", %.1f s; %d real bootcon-exec clients (%d got the window, %d ran on "
	    "their stdio), %d stalled at the ack, %ld forking", (double)(now_us() - epoch) / 1e6,
	    creal, cwin, corig, cstalled, forks);
	emit("%s", s.b);
	if (total)
		emit("replay: the same SEED and RUNS against a fresh server (timing "
		    "varies), e.g. HOSTILE_SEED=%llu sh tests/run tests/hostile-random.bats",
		    (unsigned long long)cl.seed);
	rm_dir(base);
	return total ? 1 : 0;
}

/* Dispatch to a mode. */
int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "probe") == 0)
		return probe_main(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "server") == 0)
		return server_main(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "clients") == 0)
		return clients_main(argc, argv);
	die(NAME, 100, "usage: hostile server|clients|probe ... (see the comment at the top of hostile.c)");
}
