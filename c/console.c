/*
 * The boot console: the window's terminal bound over /dev/console, and
 * given back.  Every mount and unmount of /dev/console is here: bootcon-exec
 * --console binds it and leaves a watcher; the watcher and bootcon-server
 * undo it.
 */
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bootcon.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/*
 * Undo the bind mount of the terminal on fd 0 over /dev/console; with TELL,
 * say so in one line on the console it then is.  After a switch_root our
 * own root is the emptied initramfs, so the console is reached as process 1
 * sees it, through PROC (a descriptor of /proc that moved with it, or -1),
 * when process 1 is in our mount namespace.  Return 1 if it was undone, 0
 * if /dev/console was not our terminal, -1 on error.
 */
int
release_console(int proc, int tell)
{
	static const char gone[] = "bootcon: the console's window is gone; "
	    "/dev/console is the kernel's console again\n";
	const char *path = "/dev/console";
	char mine[64], its[64];
	struct stat tty, con;
	ssize_t a, b;
	int fd;

	if (proc >= 0 && fchdir(proc) == 0) {
		a = readlinkat(proc, "self/ns/mnt", mine, sizeof(mine));
		b = readlinkat(proc, "1/ns/mnt", its, sizeof(its));
		if (a > 0 && a == b && memcmp(mine, its, a) == 0)
			path = "1/root/dev/console";
	}
	if (fstat(0, &tty) < 0 || stat(path, &con) < 0 || !S_ISCHR(con.st_mode) ||
	    con.st_rdev != tty.st_rdev)
		return 0;
	if (umount2(path, MNT_DETACH) < 0)
		return -1;
	if (!tell)
		return 1;
	/* One line there, for whoever looks at the machine's own console. */
	fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 1;
	if (write(fd, gone, sizeof(gone) - 1) < 0)
		info("unable to say so on the console:");
	close(fd);
	return 1;
}

/*
 * Fork a watcher that gives /dev/console back to the kernel's console when
 * the window's terminal hangs up, even if the server was killed.
 */
static void
watch_console(void)
{
	static const int quiet[] = { SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN,
	    SIGTTOU, 0 };
	struct sigaction ign;
	struct pollfd p;
	pid_t pid;
	int r, i, st, proc;

	pid = fork();
	if (pid < 0)
		warn("--console: unable to fork a watcher:");
	if (pid > 0 && waitpid(pid, &st, 0) < 0)
		warn("--console: unable to wait for the watcher's parent:");
	if (pid != 0)
		return;
	/* A grandchild in a session of its own: no child of PROG, no ^C. */
	if (setsid() < 0 || (pid = fork()) != 0)
		_exit(pid < 0 ? EX_SYS : 0);
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	for (i = 0; quiet[i] != 0; i++)
		if (sigaction(quiet[i], &ign, NULL) < 0)
			_exit(EX_SYS);
	if (syscall(SYS_close_range, 1U, ~0U, 0) < 0)
		for (i = 1; i < 1024; i++)
			close(i);
	proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (prctl(PR_SET_NAME, "bootcon-console", 0, 0, 0) < 0)
		info("unable to name the console watcher:");
	p.fd = 0;
	p.events = 0;
	for (;;) {
		r = poll(&p, 1, -1);
		if (r > 0)
			break;
		if (r < 0 && errno != EINTR)
			_exit(EX_SYS);
	}
	_exit(release_console(proc, 1) < 0 ? EX_SYS : 0);
}

/* Bind-mount the terminal on fd 0 over /dev/console, for opens by name. */
void
become_console(void)
{
	char path[64];
	struct stat st;
	ssize_t n;

	n = readlink("/proc/self/fd/0", path, sizeof(path) - 1);
	if (n > 0 && path[0] == '/') {
		path[n] = '\0';
	} else if (fstat(0, &st) == 0 && major(st.st_rdev) >= 136 &&
	    major(st.st_rdev) <= 143) {
		snprintf(path, sizeof(path), "/dev/pts/%u",
		    (major(st.st_rdev) - 136) * 256 + minor(st.st_rdev));
	} else {
		warn("--console: unable to name the terminal");
		return;
	}
	if (mount(path, "/dev/console", NULL, MS_BIND, NULL) < 0) {
		warn("--console: unable to bind %s over /dev/console:", path);
		return;
	}
	info("%s is now /dev/console", path);
	watch_console();
}

