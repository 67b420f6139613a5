/*
 * bootcon-mirror: copy what a console window shows (stdin, from tmux
 * pipe-pane -O) to the machine's own console devices, and the keys typed
 * on them to the window (stdout, pipe-pane -I).  It sits beside the
 * window, never in the byte path of the program on it.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "bootcon.h"

#define USAGE "usage: bootcon-mirror [-q | -v] [-o] [DEVICE]..."
#define MAXDEV 8
#define ACTIVE "/sys/class/tty/console/active"
#define WAIT_MS 2000
#define RETRY_MS 1000
#define PIPE_SIZE (1 << 20)

struct dev {
	char path[64];
	int fd;
	int input;
	int saved_ok;
	long long retry_at;
	struct termios saved;
};

static struct dev devs[MAXDEV];
static int ndevs;
/* /dev, opened at the start: it moves with the mount at switch_root. */
static int devdir = -1;

/* Add the device PATH (a name in /dev when it has no slash) to the list. */
static void
add_device(const char *name)
{
	struct dev *d;
	int i;

	if (ndevs == MAXDEV) {
		warn("too many devices; %s left out", name);
		return;
	}
	d = &devs[ndevs];
	if (snprintf(d->path, sizeof(d->path), "%s%s",
	    strchr(name, '/') != NULL ? "" : "/dev/", name) >= (int)sizeof(d->path)) {
		warn("device name too long: %.40s...", name);
		return;
	}
	for (i = 0; i < ndevs; i++)
		if (strcmp(devs[i].path, d->path) == 0)
			return;
	d->fd = -1;
	ndevs++;
}

/* Add the kernel's console devices, as /sys/class/tty/console/active lists. */
static void
add_kernel_consoles(void)
{
	char buf[256], *w, *save;
	ssize_t n;
	int fd;

	fd = open(ACTIVE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fatal(EX_SYS, "unable to open %s:", ACTIVE);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		fatal(EX_SYS, "unable to read %s:", ACTIVE);
	close(fd);
	buf[n] = '\0';
	for (w = strtok_r(buf, " \t\n", &save); w != NULL;
	    w = strtok_r(NULL, " \t\n", &save))
		add_device(w);
}

/*
 * Open device D, for keys too when INPUT; in raw mode so that keys pass
 * as typed and the window's output is not processed twice.
 */
static int
open_device(struct dev *d, int input)
{
	struct termios t;

	int flags = (input ? O_RDWR : O_WRONLY) | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC;

	if (devdir >= 0 && strncmp(d->path, "/dev/", 5) == 0)
		d->fd = openat(devdir, d->path + 5, flags);
	else
		d->fd = open(d->path, flags);
	if (d->fd < 0)
		return -1;
	if (!isatty(d->fd)) {
		warn("%s is not a terminal; left out", d->path);
		close(d->fd);
		d->fd = -1;
		errno = ENOTTY;
		return -1;
	}
	d->input = input;
	if (!input)
		return 0;
	if (tcgetattr(d->fd, &d->saved) == 0) {
		d->saved_ok = 1;
		t = d->saved;
		cfmakeraw(&t);
		if (tcsetattr(d->fd, TCSANOW, &t) < 0)
			warn("unable to set %s to raw mode:", d->path);
	}
	return 0;
}

/*
 * A device hung up (a getty took it, vhangup): stop reading it, and
 * reopen it for the window's output only, as the kernel's console would
 * still show what is written to /dev/console; again a second later if
 * that fails or it hangs up again at once.
 */
static void
device_hung_up(struct dev *d)
{
	long long now = now_ms();

	info("%s hung up; output only from now on", d->path);
	close(d->fd);
	d->fd = -1;
	d->saved_ok = 0;
	if (now < d->retry_at)
		return;
	d->retry_at = now + RETRY_MS;
	if (open_device(d, 0) < 0)
		info("unable to reopen %s:", d->path);
}

/*
 * Write BUF to every device, waiting up to WAIT_MS for a slow line; a
 * device whose output is stopped (^S) past that drops the rest.
 */
static void
copy_out(const char *buf, size_t len)
{
	struct pollfd p;
	ssize_t w;
	size_t off;
	int i;

	for (i = 0; i < ndevs; i++) {
		if (devs[i].fd < 0 && devs[i].retry_at != 0 &&
		    now_ms() >= devs[i].retry_at) {
			devs[i].retry_at = now_ms() + RETRY_MS;
			if (open_device(&devs[i], 0) < 0)
				info("unable to reopen %s:", devs[i].path);
		}
		if (devs[i].fd < 0)
			continue;
		for (off = 0; off < len; off += w) {
			w = write(devs[i].fd, buf + off, len - off);
			if (w >= 0)
				continue;
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			if (errno == EAGAIN) {
				p.fd = devs[i].fd;
				p.events = POLLOUT;
				w = 0;
				if (poll(&p, 1, WAIT_MS) > 0)
					continue;
				break;
			}
			if (errno == EIO) {
				device_hung_up(&devs[i]);
				break;
			}
			warn("unable to write to %s; left out:", devs[i].path);
			close(devs[i].fd);
			devs[i].fd = -1;
			break;
		}
	}
}

/* Copy keys from device D to the window; 0, or -1 when stdout is gone. */
static int
copy_in(struct dev *d)
{
	char buf[512];
	ssize_t n, w;
	size_t off;

	n = read(d->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		device_hung_up(d);
		return 0;
	}
	for (off = 0; off < (size_t)n; off += w) {
		w = write(1, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			w = 0;
		else if (w < 0)
			return -1;
	}
	return 0;
}

/* Stop reading keys: every device is kept for output only. */
static void
output_only(void)
{
	int i;

	for (i = 0; i < ndevs; i++)
		if (devs[i].fd >= 0 && devs[i].input) {
			if (devs[i].saved_ok &&
			    tcsetattr(devs[i].fd, TCSANOW, &devs[i].saved) < 0)
				info("unable to restore %s:", devs[i].path);
			devs[i].input = 0;
			devs[i].saved_ok = 0;
		}
}

/* Put the devices' terminal settings back. */
static void
restore(void)
{
	int i;

	for (i = 0; i < ndevs; i++)
		if (devs[i].fd >= 0 && devs[i].saved_ok &&
		    tcsetattr(devs[i].fd, TCSANOW, &devs[i].saved) < 0)
			info("unable to restore %s:", devs[i].path);
}

/* Mirror the window on the devices until the window's output ends. */
int
main(int argc, char **argv)
{
	struct pollfd p[1 + MAXDEV];
	int map[1 + MAXDEV], opt, i, n, out_only = 0, opened = 0;
	static char buf[65536];
	ssize_t r;

	progname = "bootcon-mirror";
	while ((opt = getopt(argc, argv, "+oqvh")) != -1) {
		switch (opt) {
		case 'o':
			out_only = 1;
			break;
		case 'q':
			verbosity = -1;
			break;
		case 'v':
			verbosity = 1;
			break;
		case 'h':
			printf("%s\n", USAGE);
			return 0;
		default:
			fprintf(stderr, "bootcon-mirror: fatal: unknown option -%c "
			    "(%s)\n", optopt, USAGE);
			return EX_USAGE;
		}
	}
	if (optind == argc)
		add_kernel_consoles();
	for (i = optind; i < argc; i++)
		add_device(argv[i]);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		warn("unable to ignore SIGPIPE:");
	/*
	 * A deep buffer from tmux (a socket pair; a pipe when run by hand):
	 * fewer wake-ups for it under a burst.
	 */
	opt = PIPE_SIZE;
	if (setsockopt(0, SOL_SOCKET, SO_RCVBUF, &opt, sizeof(opt)) < 0 &&
	    fcntl(0, F_SETPIPE_SZ, PIPE_SIZE) < 0)
		info("unable to enlarge the window's input:");
	devdir = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; i < ndevs; i++) {
		if (open_device(&devs[i], !out_only) == 0)
			opened++;
		else if (errno != ENOTTY)
			warn("unable to open %s:", devs[i].path);
	}
	if (opened == 0)
		fatal(EX_SYS, "no console device to mirror on");
	for (;;) {
		p[0].fd = 0;
		p[0].events = POLLIN;
		n = 1;
		for (i = 0; i < ndevs; i++)
			if (devs[i].fd >= 0 && devs[i].input) {
				p[n].fd = devs[i].fd;
				p[n].events = POLLIN;
				map[n++] = i;
			}
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			restore();
			fatal(EX_SYS, "unable to poll:");
		}
		if (p[0].revents) {
			r = read(0, buf, sizeof(buf));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			copy_out(buf, r);
			flood_pause(r, sizeof(buf));
		}
		for (i = 1; i < n; i++)
			if (p[i].revents && devs[map[i]].fd == p[i].fd &&
			    devs[map[i]].input && copy_in(&devs[map[i]]) < 0)
				output_only();
	}
	restore();
	return 0;
}
