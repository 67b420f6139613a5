/*
 * bootcon-log: write a console's transcript (-w: stdin, a copy of what the
 * window shows, from tmux pipe-pane or screen's log, appended to FILE with
 * every line stamped), or read transcripts back as plain text or raw bytes.
 * It sits beside the window, never in the byte path of the program on it.
 *
 * A transcript line is "BOOT WALL\t" and then the bytes of one line of
 * output as received, up to and including its '\n': BOOT is CLOCK_BOOTTIME
 * and WALL CLOCK_REALTIME, in seconds with six decimals, BOOT padded to 12
 * columns like dmesg.  The stamp is taken when the line's first byte
 * arrives and written before it, so a prompt with no newline is on disk at
 * once; the rest of that line follows unstamped.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bootcon.h"

#define USAGE "usage: bootcon-log -w FILE [-m MAXBYTES] [-i FIFO] [-o]\n" \
	"       bootcon-log [-r] [-t] [FILE]..."
/* The usage on one line, for a usage error. */
#define USAGE1 "usage: bootcon-log -w FILE [-m MAXBYTES] [-i FIFO] [-o] | " \
	"[-r] [-t] [FILE]..."
#define CHUNK 65536
/* A stamp is at most this long: two 20-digit seconds, decimals, separators. */
#define STAMP_MAX 64
#define MARK_MAX (1 + STAMP_MAX + 64)
#define PIPE_SIZE (1 << 20)
/* A transcript line longer than this is read in pieces of this size. */
#define LINE_CAP (1 << 20)
/* 2000-01-01 00:00:00 UTC: an earlier wall clock is not set yet. */
#define WALL_PLAUSIBLE 946684800LL

/* The writer's state: FILE, the fd it holds, and what it could not write. */
struct writer {
	const char *path;
	int fd;
	dev_t dev;
	ino_t ino;
	unsigned long long size;	/* FILE's size, as far as we wrote it */
	unsigned long long max;		/* -m, 0 for no limit */
	int bol;			/* FILE ends with a line end */
	int warned;			/* one warning until a write succeeds */
	int follow_warned;		/* one about a replaced FILE, likewise */
	unsigned long long lost;	/* input bytes dropped since then */
	int ever_lost;
	time_t checked;			/* CLOCK_BOOTTIME second of the last stat */
	int dirfd;			/* FILE's directory, once open */
	const char *base;		/* FILE's name in it */
};

static volatile sig_atomic_t got_term, got_hup;

static char inbuf[CHUNK];
static char outbuf[MARK_MAX + CHUNK * (STAMP_MAX + 1)];

/* Note SIGTERM and SIGHUP for the main loop. */
static void
on_signal(int sig)
{
	if (sig == SIGTERM)
		got_term = 1;
	else
		got_hup = 1;
}

/* Write "S.UUUUUU" for TS into P, right-aligned in WIDTH; return its length. */
static size_t
fmt_seconds(char *p, const struct timespec *ts, size_t width)
{
	char tmp[32];
	unsigned long long s = ts->tv_sec < 0 ? 0 : (unsigned long long)ts->tv_sec;
	long us = ts->tv_nsec / 1000;
	size_t n = 0, len, i;

	for (i = 0; i < 6; i++) {
		tmp[n++] = '0' + us % 10;
		us /= 10;
	}
	tmp[n++] = '.';
	do {
		tmp[n++] = '0' + s % 10;
		s /= 10;
	} while (s > 0);
	len = n < width ? width : n;
	memset(p, ' ', len - n);
	for (i = len - n; n > 0; i++)
		p[i] = tmp[--n];
	return len;
}

/* Write the stamp for now into P; return its length. */
static size_t
make_stamp(char *p, time_t *boot_sec)
{
	struct timespec boot, wall;
	size_t n;

	if (clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
		memset(&boot, 0, sizeof(boot));
	if (clock_gettime(CLOCK_REALTIME, &wall) < 0)
		memset(&wall, 0, sizeof(wall));
	*boot_sec = boot.tv_sec;
	n = fmt_seconds(p, &boot, 12);
	p[n++] = ' ';
	n += fmt_seconds(p + n, &wall, 0);
	p[n++] = '\t';
	return n;
}

/* Write LEN bytes of BUF to FD; return how many were written (errno if short). */
static size_t
write_all(int fd, const char *buf, size_t len)
{
	size_t off = 0;
	ssize_t w;

	while (off < len) {
		w = write(fd, buf + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			break;
		}
		off += w;
	}
	return off;
}

/* Say once, until writing works again, that the transcript misses output. */
static void
warn_missing(struct writer *wr, int err)
{
	if (wr->warned)
		return;
	wr->warned = 1;
	warn("%s: %s; the transcript misses output until it can write again",
	    wr->path, strerror(err));
}

/*
 * Where FILE is looked up: its directory, held open from the first time it
 * can be (so that a writer started in the initramfs, left in that old root
 * when the boot switches to the real one, still finds the transcript where
 * the boot moves it: a link relative to /run leads up from /run's mount
 * into the real root), else the path itself.  Set *NAME to FILE's name
 * there.
 */
static int
file_dir(struct writer *wr, const char **name)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(wr->path, '/');
	size_t n;

	if (wr->dirfd < 0 && slash != NULL && slash[1] != '\0') {
		n = slash == wr->path ? 1 : (size_t)(slash - wr->path);
		if (n < sizeof(dir)) {
			memcpy(dir, wr->path, n);
			dir[n] = '\0';
			wr->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
			wr->base = slash + 1;
		}
	}
	*name = wr->dirfd >= 0 ? wr->base : wr->path;
	return wr->dirfd >= 0 ? wr->dirfd : AT_FDCWD;
}

/*
 * Open FILE and note its inode and size, and whether it ends a line (read
 * access for that and for the continuation's pread; write only if refused).
 */
static int
open_file(struct writer *wr)
{
	struct stat st;
	const char *name;
	char last;
	int fd, at;

	at = file_dir(wr, &name);
	fd = openat(at, name, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY, 0600);
	if (fd < 0 && errno == EACCES)
		fd = openat(at, name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
		    O_NOCTTY, 0600);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		int e = errno;

		if (close(fd) < 0)
			info("unable to close %s:", wr->path);
		errno = e;
		return -1;
	}
	wr->fd = fd;
	wr->dev = st.st_dev;
	wr->ino = st.st_ino;
	wr->size = S_ISREG(st.st_mode) ? (unsigned long long)st.st_size : 0;
	wr->bol = wr->size == 0 || pread(fd, &last, 1, st.st_size - 1) != 1 ||
	    last == '\n';
	return 0;
}

/* Close the fd held on FILE. */
static void
close_file(struct writer *wr)
{
	if (wr->fd >= 0 && close(wr->fd) < 0)
		info("unable to close %s:", wr->path);
	wr->fd = -1;
}

/*
 * Copy to FD the bytes of OLD from FROM to TO: what was written to the old
 * FILE after the mover copied it (through outbuf: inbuf holds new input).
 * Return 0, or -1 with errno.
 */
static int
copy_tail(int old, int fd, unsigned long long from, unsigned long long to)
{
	ssize_t n;
	size_t want;

	while (from < to) {
		want = to - from < CHUNK ? to - from : CHUNK;
		n = pread(old, outbuf, want, from);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		if (write_all(fd, outbuf, n) != (size_t)n)
			return -1;
		from += n;
	}
	return 0;
}

/*
 * If FILE no longer names the file we hold (the boot moved the transcript
 * and put a new file or a symlink there), go on in the new one, after
 * copying to it what the old one has beyond the new one's size.  With no
 * file held yet, try to open FILE.
 */
static void
follow_file(struct writer *wr)
{
	struct writer nw;
	struct stat st;
	unsigned long long old_size;
	const char *name;
	int at;

	if (wr->fd < 0) {
		if (open_file(wr) < 0)
			warn_missing(wr, errno);
		return;
	}
	at = file_dir(wr, &name);
	if (fstatat(at, name, &st, 0) < 0 ||
	    (st.st_dev == wr->dev && st.st_ino == wr->ino))
		return;
	nw = *wr;
	if (open_file(&nw) < 0 || fstat(wr->fd, &st) < 0 ||
	    ((unsigned long long)st.st_size > nw.size &&
	    copy_tail(wr->fd, nw.fd, nw.size, st.st_size) < 0)) {
		if (!wr->follow_warned)
			warn("%s was replaced, but the new file cannot take "
			    "the transcript (going on in the old one):", wr->path);
		wr->follow_warned = 1;
		if (nw.fd != wr->fd)
			close_file(&nw);
		return;
	}
	old_size = (unsigned long long)st.st_size;
	info("%s was replaced; going on in the new file", wr->path);
	wr->follow_warned = 0;
	close_file(wr);
	wr->fd = nw.fd;
	wr->dev = nw.dev;
	wr->ino = nw.ino;
	if (old_size > nw.size)
		wr->size = old_size;
	else {
		wr->size = nw.size;
		wr->bol = nw.bol;
	}
}

/* FILE reached -m: it becomes FILE.1 (the file a symlink names, if it is one). */
static void
rotate(struct writer *wr)
{
	char link[PATH_MAX], old[PATH_MAX + 3];
	const char *name;
	ssize_t n;
	int r, at;

	at = file_dir(wr, &name);
	/* A link (the boot's, to /var/log): the file it names, beside it. */
	n = readlinkat(at, name, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		name = link;
	}
	r = -1;
	if (snprintf(old, sizeof(old), "%s.1", name) >= (int)sizeof(old))
		errno = ENAMETOOLONG;
	else
		r = renameat(at, name, at, old);
	if (r < 0) {
		warn("unable to rotate %s; no limit from now on:", wr->path);
		wr->max = 0;
		return;
	}
	close_file(wr);
	if (open_file(wr) < 0)
		warn_missing(wr, errno);
}

/*
 * Append to OUT (at O) the LEN input bytes of IN with STAMP (SLEN bytes)
 * before each line's first byte; *BOL says whether the first needs one, and
 * is left saying whether the next will.  Return the new length.
 */
static size_t
stamp_lines(char *out, size_t o, const char *in, size_t len, const char *stamp,
    size_t slen, int *bol)
{
	const char *p = in, *end = in + len, *nl;
	size_t n;

	while (p < end) {
		if (*bol) {
			memcpy(out + o, stamp, slen);
			o += slen;
		}
		nl = memchr(p, '\n', end - p);
		n = nl != NULL ? (size_t)(nl + 1 - p) : (size_t)(end - p);
		memcpy(out + o, p, n);
		o += n;
		p += n;
		*bol = nl != NULL;
	}
	return o;
}

/*
 * Count the input bytes among the first K of a buffer made of a marker of
 * MARK bytes and then stamp_lines' output (stamps of SLEN bytes, the first
 * one there if BOL).
 */
static unsigned long long
input_bytes(const char *out, size_t k, size_t mark, size_t slen, int bol)
{
	unsigned long long n = 0;
	const char *nl;
	size_t pos = mark;

	while (pos < k) {
		if (bol) {
			pos += slen;
			bol = 0;
			continue;
		}
		nl = memchr(out + pos, '\n', k - pos);
		if (nl == NULL) {
			n += k - pos;
			break;
		}
		n += nl + 1 - (out + pos);
		pos = nl + 1 - out;
		bol = 1;
	}
	return n;
}

/* Stamp the LEN bytes that just arrived in inbuf and append them to FILE. */
static void
write_chunk(struct writer *wr, size_t len, const char *stamp, size_t slen)
{
	size_t o = 0, mark = 0, k;
	int bol, first_bol, e;
	struct stat st;

	if (wr->fd < 0) {
		wr->lost += len;
		wr->ever_lost = 1;
		return;
	}
	if (wr->max > 0 && wr->size >= wr->max) {
		rotate(wr);
		if (wr->fd < 0) {
			wr->lost += len;
			wr->ever_lost = 1;
			return;
		}
	}
	bol = wr->bol;
	/* A file emptied (truncated) since the failure starts a line again. */
	if (wr->lost > 0 && fstat(wr->fd, &st) == 0 &&
	    (unsigned long long)st.st_size < wr->size) {
		wr->size = st.st_size;
		bol = bol || st.st_size == 0;
	}
	if (wr->lost > 0) {
		if (!bol)
			outbuf[o++] = '\n';
		memcpy(outbuf + o, stamp, slen);
		o += slen;
		o += snprintf(outbuf + o, MARK_MAX - o,
		    "bootcon-log: %llu bytes were lost\n", wr->lost);
		mark = o;
		bol = 1;
	}
	first_bol = bol;
	o = stamp_lines(outbuf, o, inbuf, len, stamp, slen, &bol);
	k = write_all(wr->fd, outbuf, o);
	if (k == o) {
		wr->size += k;
		wr->bol = bol;
		wr->lost = 0;
		wr->warned = 0;
		return;
	}
	e = errno;
	wr->size += k;
	if (k > 0)
		wr->bol = outbuf[k - 1] == '\n';
	if (k < mark)
		wr->lost += len;
	else
		wr->lost = len - input_bytes(outbuf, k, mark, slen, first_bol);
	wr->ever_lost = 1;
	warn_missing(wr, e);
}

/*
 * A deep buffer from tmux (a socket pair; a pipe when run by hand): fewer
 * wake-ups for it under a burst.
 */
static void
deepen_input(void)
{
	int size = PIPE_SIZE;

	if (setsockopt(0, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0 &&
	    fcntl(0, F_SETPIPE_SZ, PIPE_SIZE) < 0)
		info("unable to enlarge the input buffer:");
}

/*
 * Make FIFO our stdin without waiting for a writer (screen opens it once
 * it logs the window, and would wait for us if we were not there first);
 * its identity goes in ST.  The end of the last writer is our end of file.
 */
static int
take_fifo(const char *path, struct stat *st)
{
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		close(fd);
		return -1;
	}
	if (!S_ISFIFO(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (fd != 0 && (dup2(fd, 0) < 0 || close(fd) < 0))
		return -1;
	return 0;
}

/*
 * After an end of file on FIFO, wait up to a second for a writer to be
 * back: screen closes and reopens its log whenever the file's mtime has
 * moved (its check for a stolen log), and a FIFO's moves with each write.
 * Return 1 if a writer is there, 0 if none came.
 */
static int
writer_back(const char *path)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	struct pollfd p;
	int i, fd;

	p.fd = 0;
	p.events = POLLIN;
	for (i = 0; i < 100; i++) {
		/*
		 * A writer opened since our own open makes poll report a
		 * hang-up exactly while no writer is left: open one and close it.
		 */
		fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return 0;
		if (close(fd) < 0 || poll(&p, 1, 0) < 0)
			return 0;
		if ((p.revents & POLLIN) || !(p.revents & POLLHUP))
			return 1;
		if (nanosleep(&tick, NULL) < 0 && errno != EINTR)
			return 0;
	}
	return 0;
}

/* Remove FIFO once its writer is gone, unless another has its name now. */
static void
drop_fifo(const char *path, const struct stat *was)
{
	struct stat st;

	if (lstat(path, &st) == 0 && st.st_dev == was->st_dev &&
	    st.st_ino == was->st_ino && unlink(path) < 0)
		info("unable to remove %s:", path);
}

/*
 * With -o, prepare stdout for pass(): non-blocking and deep, so that a
 * slow reader (the mirror on a serial line) never holds up the transcript.
 */
static int
pass_open(void)
{
	int fl;

	fl = fcntl(1, F_GETFL);
	if (fl < 0 || fcntl(1, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	if (fcntl(1, F_SETPIPE_SZ, PIPE_SIZE) < 0)
		info("unable to enlarge the output buffer:");
	return 0;
}

/*
 * Copy the LEN input bytes to stdout unchanged (-o: for the mirror, which
 * shares tmux's one pipe of the window with the transcript); what does not
 * fit now is dropped, and a reader gone ends the copy.
 */
static void
pass(int *on, const char *buf, size_t len)
{
	ssize_t n;

	while (*on && len > 0) {
		n = write(1, buf, len);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else {
			if (n < 0 && errno != EAGAIN) {
				info("the copy to stdout ends:");
				*on = 0;
			}
			return;
		}
	}
}

/*
 * Append stdin to FILE until EOF or SIGTERM, never stopping for a failure,
 * and with TEE copy it to stdout too; stdin is FIFO's read end when FIFO is
 * not NULL.  Return 0, or EX_SYS if some input could not be written.
 */
static int
write_transcript(const char *path, unsigned long long max, int tee,
    const char *fifo)
{
	struct writer wr;
	struct sigaction sa;
	struct pollfd p;
	sigset_t block, orig;
	const struct timespec second = { 1, 0 };
	char stamp[STAMP_MAX];
	size_t slen;
	time_t sec;
	ssize_t r;
	int n, due = 0;

	memset(&wr, 0, sizeof(wr));
	wr.path = path;
	wr.fd = -1;
	wr.dirfd = -1;
	wr.max = max;
	wr.bol = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* Signals come only while we wait for input: ppoll below. */
	if (sigemptyset(&block) < 0 || sigaddset(&block, SIGTERM) < 0 ||
	    sigaddset(&block, SIGHUP) < 0 ||
	    sigprocmask(SIG_BLOCK, &block, &orig) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGHUP, &sa, NULL) < 0)
		fatal(EX_SYS, "unable to set signal handlers:");
	sa.sa_handler = SIG_IGN;
	/* A write error, not a signal, for a pipe or a file size limit. */
	if (sigaction(SIGPIPE, &sa, NULL) < 0 || sigaction(SIGXFSZ, &sa, NULL) < 0)
		fatal(EX_SYS, "unable to ignore SIGPIPE and SIGXFSZ:");
	deepen_input();
	slen = make_stamp(stamp, &sec);
	wr.checked = sec;
	if (open_file(&wr) < 0)
		warn_missing(&wr, errno);
	p.fd = 0;
	p.events = POLLIN;
	while (!got_term) {
		/*
		 * Output written since the last look at FILE may have gone to
		 * a file moved away since: a second after it, look again, so
		 * that an idle console's last lines (a prompt) follow too.
		 */
		n = ppoll(&p, 1, due ? &second : NULL, &orig);
		if (n < 0) {
			if (errno != EINTR)
				fatal(EX_SYS, "unable to poll stdin:");
			if (got_hup) {
				got_hup = 0;
				follow_file(&wr);
			}
			continue;
		}
		if (n == 0) {
			due = 0;
			slen = make_stamp(stamp, &wr.checked);
			follow_file(&wr);
			continue;
		}
		r = read(0, inbuf, sizeof(inbuf));
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			warn("unable to read stdin:");
			break;
		}
		if (r == 0 && fifo != NULL && !got_term && writer_back(fifo))
			continue;
		if (r == 0)
			break;
		slen = make_stamp(stamp, &sec);
		if (sec != wr.checked) {
			wr.checked = sec;
			follow_file(&wr);
		}
		pass(&tee, inbuf, (size_t)r);
		write_chunk(&wr, r, stamp, slen);
		due = 1;
		flood_pause(r, sizeof(inbuf));
	}
	close_file(&wr);
	if (wr.dirfd >= 0 && close(wr.dirfd) < 0)
		info("unable to close the directory of %s:", path);
	return wr.ever_lost ? EX_SYS : 0;
}

/* What the reader prints: -r and -t. */
struct reader {
	int raw;
	int fields;
};

/* One transcript being read: a buffer of its lines. */
struct input {
	int fd;
	char *buf;
	size_t start, end;
	int eof;
	int bol;	/* the next byte starts a transcript line */
};

static char linebuf[LINE_CAP];
static char textbuf[LINE_CAP];

/*
 * Parse the stamp at the start of LINE (LEN bytes): return the offset of
 * the text after it and set the ends of BOOT and the start and end of WALL;
 * 0 if LINE has no stamp, -1 if LEN ends before the stamp could.
 */
static int
parse_stamp(const char *line, size_t len, size_t *boot_end, size_t *wall,
    size_t *wall_end)
{
	size_t i = 0, d;
	int field;

	while (i < len && i < 24 && line[i] == ' ')
		i++;
	for (field = 0; field < 2; field++) {
		if (field == 1)
			*wall = i;
		for (d = 0; i < len && d < 20 && line[i] >= '0' && line[i] <= '9'; d++)
			i++;
		if (i == len)
			return -1;
		if (d == 0 || line[i++] != '.')
			return 0;
		for (d = 0; d < 6; d++, i++) {
			if (i == len)
				return -1;
			if (line[i] < '0' || line[i] > '9')
				return 0;
		}
		if (i == len)
			return -1;
		if (line[i] != (field == 0 ? ' ' : '\t'))
			return 0;
		if (field == 0)
			*boot_end = i;
		else
			*wall_end = i;
		i++;
	}
	return (int)i;
}

/* The DEC line-drawing characters tmux and curses draw boxes with, in ASCII. */
static char
line_drawing(unsigned char c)
{
	switch (c) {
	case 'j': case 'k': case 'l': case 'm': case 'n':
	case 't': case 'u': case 'v': case 'w':
		return '+';
	case 'q':
		return '-';
	case 'x':
		return '|';
	default:
		return c;
	}
}

/* Skip a UTF-8 character backwards from byte COL of T; return its start. */
static size_t
char_start(const char *t, size_t col)
{
	while (col > 0 && ((unsigned char)t[col - 1] & 0xc0) == 0x80)
		col--;
	return col > 0 ? col - 1 : 0;
}

/*
 * Write into T (room for LEN bytes) what a terminal would show of the LEN
 * bytes of S on one line: escape sequences and controls dropped but TAB,
 * CR returning to column 0, backspace removing the character before it,
 * ESC [ K erasing to the line's end, line drawing in ASCII.  Return the
 * length of the text.
 */
static size_t
filter_line(const char *s, size_t len, char *t)
{
	size_t i = 0, col = 0, end = 0, j;
	int graphics = 0;
	unsigned char c;

	while (i < len) {
		c = s[i++];
		if (c == 0x1b && i < len) {
			c = s[i++];
			if (c == '[') {
				j = i;
				while (i < len && (unsigned char)s[i] >= 0x20 &&
				    (unsigned char)s[i] < 0x40)
					i++;
				if (i < len && (unsigned char)s[i] <= 0x7e &&
				    (unsigned char)s[i] >= 0x40) {
					if (s[i] == 'K' && (i == j ||
					    (i == j + 1 && s[j] == '0')))
						end = col;
					i++;
				}
			} else if (c == ']' || c == 'P' || c == '_' || c == '^' ||
			    c == 'X') {
				while (i < len && !(c == ']' && s[i] == 0x07) &&
				    !(s[i] == 0x1b && i + 1 < len && s[i + 1] == '\\'))
					i++;
				i += i < len && s[i] == 0x07 ? 1 : 2;
			} else if (c >= 0x20 && c <= 0x2f) {
				while (i < len && (unsigned char)s[i] >= 0x20 &&
				    (unsigned char)s[i] <= 0x2f)
					i++;
				if (i < len && c == '(')
					graphics = s[i] == '0';
				if (i < len)
					i++;
			}
			continue;
		}
		if (c == '\r') {
			col = 0;
			continue;
		}
		if (c == '\b') {
			if (col > 0 && col == end)
				end = col = char_start(t, col);
			else if (col > 0)
				col = char_start(t, col);
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			continue;
		t[col++] = graphics ? line_drawing(c) : (char)c;
		if (col > end)
			end = col;
	}
	return end;
}

/* Write LEN bytes of BUF to stdout; a reader gone (EPIPE) ends us quietly. */
static void
out(const char *buf, size_t len)
{
	if (len > 0 && fwrite(buf, 1, len, stdout) != len) {
		if (errno == EPIPE)
			exit(0);
		fatal(EX_SYS, "unable to write to stdout:");
	}
}

/* Print "[BOOT] YYYY-MM-DD HH:MM:SS " for the stamp fields of LINE. */
static void
print_time(const char *line, size_t boot_end, size_t wall)
{
	char date[64];
	struct tm tm;
	long long w = 0;
	time_t tw;
	size_t i, n;

	out("[", 1);
	out(line, boot_end);
	out("] ", 2);
	for (i = wall; line[i] != '.' && w < WALL_PLAUSIBLE * 100; i++)
		w = w * 10 + (line[i] - '0');
	tw = (time_t)w;
	if (w < WALL_PLAUSIBLE || w >= WALL_PLAUSIBLE * 100 ||
	    localtime_r(&tw, &tm) == NULL)
		return;
	n = strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S ", &tm);
	out(date, n);
}

/*
 * Print one piece of a transcript (LEN bytes of LINE): a whole line, or
 * part of one; BOL if it starts a transcript line, so may have a stamp.
 */
static void
print_piece(const struct reader *rd, const char *line, size_t len, int bol)
{
	size_t boot_end = 0, wall = 0, wall_end = 0, text = 0, n;
	int r = 0, nl;

	if (bol)
		r = parse_stamp(line, len, &boot_end, &wall, &wall_end);
	/* Only the end of the input cuts a stamp: a write that failed there. */
	if (r < 0)
		return;
	if (r > 0)
		text = r;
	if (rd->fields && r > 0) {
		for (n = 0; line[n] == ' '; n++)
			;
		out(line + n, text - n);
	}
	if (rd->raw) {
		out(line + text, len - text);
		return;
	}
	if (r > 0 && !rd->fields)
		print_time(line, boot_end, wall);
	nl = len > text && line[len - 1] == '\n';
	n = filter_line(line + text, len - text - nl, textbuf);
	out(textbuf, n);
	out("\n", 1);
}

/*
 * Return the next piece of IN in *P and *LEN, with *BOL set if it starts a
 * transcript line: a line, or a line's first LINE_CAP bytes, or what there
 * is of the last line at EOF; with PARTIAL, also what there is of a line
 * when no more input is ready (raw output shows a prompt at once).  Return
 * 0 at the end, -1 on a read error.
 */
static int
next_piece(struct input *in, int partial, const char **p, size_t *len, int *bol)
{
	size_t b, w, we;
	struct pollfd pf;
	char *nl;
	ssize_t r;

	for (;;) {
		nl = memchr(in->buf + in->start, '\n', in->end - in->start);
		if (nl != NULL || in->eof || in->end - in->start == LINE_CAP) {
			*p = in->buf + in->start;
			*len = nl != NULL ? (size_t)(nl + 1 - *p) : in->end - in->start;
			*bol = in->bol;
			in->bol = nl != NULL;
			in->start += *len;
			return *len > 0;
		}
		if (in->start > 0) {
			memmove(in->buf, in->buf + in->start, in->end - in->start);
			in->end -= in->start;
			in->start = 0;
		}
		pf.fd = in->fd;
		pf.events = POLLIN;
		if (partial && in->end > 0 && poll(&pf, 1, 0) == 0 &&
		    (!in->bol || parse_stamp(in->buf, in->end, &b, &w, &we) >= 0)) {
			*p = in->buf;
			*len = in->end;
			*bol = in->bol;
			in->bol = 0;
			in->start = in->end = 0;
			return 1;
		}
		if (fflush(stdout) == EOF) {
			if (errno == EPIPE)
				exit(0);
			fatal(EX_SYS, "unable to write to stdout:");
		}
		r = read(in->fd, in->buf + in->end, LINE_CAP - in->end);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			in->eof = 1;
		in->end += r;
	}
}

/* Print the transcript on FD (named NAME); return 0, or -1 on a read error. */
static int
read_transcript(const struct reader *rd, int fd, const char *name)
{
	struct input in;
	const char *p;
	size_t len;
	int bol, r;

	memset(&in, 0, sizeof(in));
	in.fd = fd;
	in.buf = linebuf;
	in.bol = 1;
	while ((r = next_piece(&in, rd->raw, &p, &len, &bol)) > 0)
		print_piece(rd, p, len, bol);
	if (r < 0)
		warn("unable to read %s:", name);
	return r;
}

/* Parse MAXBYTES: a number with an optional K, M or G (powers of 1024). */
static int
parse_size(const char *s, unsigned long long *v)
{
	unsigned long long n = 0, mul = 1;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (n > (ULLONG_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*p - '0');
	}
	if (p == s)
		return -1;
	if (*p == 'K' || *p == 'k')
		mul = 1ULL << 10;
	else if (*p == 'M' || *p == 'm')
		mul = 1ULL << 20;
	else if (*p == 'G' || *p == 'g')
		mul = 1ULL << 30;
	if (mul > 1)
		p++;
	if (*p != '\0' || n > ULLONG_MAX / mul)
		return -1;
	*v = n * mul;
	return 0;
}

/* Write a transcript (-w) or print the ones named. */
int
main(int argc, char **argv)
{
	struct reader rd = { 0, 0 };
	const char *wpath = NULL, *ipath = NULL;
	int tee = 0;
	unsigned long long max = 0;
	struct stat fifo;
	int opt, i, fd, status = 0, mset = 0;

	progname = "bootcon-log";
	while ((opt = getopt(argc, argv, "+:w:m:i:orth")) != -1) {
		switch (opt) {
		case 'w':
			wpath = optarg;
			break;
		case 'i':
			ipath = optarg;
			break;
		case 'o':
			tee = 1;
			break;
		case 'm':
			if (parse_size(optarg, &max) < 0)
				fatal(EX_USAGE, "bad size: %.100s (a number of "
				    "bytes, K, M or G allowed)", optarg);
			mset = 1;
			break;
		case 'r':
			rd.raw = 1;
			break;
		case 't':
			rd.fields = 1;
			break;
		case 'h':
			return printf("%s\n", USAGE) < 0 ? EX_SYS : 0;
		case ':':
			fatal(EX_USAGE, "option -%c needs an argument (%s)", optopt,
			    USAGE1);
		default:
			fatal(EX_USAGE, "unknown option -%c (%s)", optopt, USAGE1);
		}
	}
	if (wpath != NULL) {
		if (rd.raw || rd.fields)
			fatal(EX_USAGE, "-w takes no -r or -t");
		if (optind < argc)
			fatal(EX_USAGE, "unexpected argument: %.100s", argv[optind]);
		if (*wpath == '\0')
			fatal(EX_USAGE, "-w needs a file name");
		if (ipath != NULL && take_fifo(ipath, &fifo) < 0)
			fatal(EX_SYS, "unable to read %s:", ipath);
		if (tee && pass_open() < 0)
			fatal(EX_SYS, "unable to set up stdout:");
		status = write_transcript(wpath, max, tee, ipath);
		if (ipath != NULL)
			drop_fifo(ipath, &fifo);
		return status;
	}
	if (mset || ipath != NULL || tee)
		fatal(EX_USAGE, "-m, -i and -o go with -w");
	tzset();
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		warn("unable to ignore SIGPIPE:");
	if (setvbuf(stdout, NULL, _IOFBF, CHUNK) != 0)
		info("unable to buffer stdout:");
	if (optind == argc)
		return read_transcript(&rd, 0, "stdin") < 0 ? EX_SYS : 0;
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			if (read_transcript(&rd, 0, "stdin") < 0)
				status = EX_SYS;
			continue;
		}
		fd = open(argv[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			warn("unable to open %s:", argv[i]);
			status = EX_SYS;
			continue;
		}
		if (read_transcript(&rd, fd, argv[i]) < 0)
			status = EX_SYS;
		if (close(fd) < 0)
			info("unable to close %s:", argv[i]);
	}
	if (fflush(stdout) == EOF && errno != EPIPE)
		fatal(EX_SYS, "unable to write to stdout:");
	return status;
}
