/*
 * setstate: run a program with hostile inherited state.
 *
 *	setstate [-b SIGS] [-i SIGS] [-n FDS] [-k FD] [-P] [--] PROG [ARG]...
 *
 * -b blocks, -i ignores the comma-separated signals SIGS (names like INT or
 * numbers); -n sets O_NONBLOCK on the comma-separated fds FDS; -k opens
 * /dev/null on FD without close-on-exec (an extra inherited fd); -P takes
 * pidfds away, as on kernels before 5.3 (a seccomp filter: pidfd_open fails
 * with ENOSYS, SO_PEERPIDFD and SO_PASSPIDFD with ENOPROTOOPT).  Then it execs
 * PROG, so bootcon-exec (or fdprobe, or bootcon-server) starts with that
 * state.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <endian.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"

#define NAME "setstate"
#define USAGE "usage: setstate [-b SIGS] [-i SIGS] [-n FDS] [-k FD] [-P] [--] PROG [ARG]..."

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif
/* The low 32 bits of a 64-bit system call argument. */
#if __BYTE_ORDER == __LITTLE_ENDIAN
#define ARG_LO(n) (offsetof(struct seccomp_data, args[n]))
#else
#define ARG_LO(n) (offsetof(struct seccomp_data, args[n]) + 4)
#endif

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

/* Take pidfds away from this process and what it executes. */
static void
no_pidfds(void)
{
#ifdef NATIVE_ARCH
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_open, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getsockopt, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setsockopt, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SO_PEERPIDFD, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SO_PASSPIDFD, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOPROTOOPT),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die(NAME, 111, "prctl PR_SET_NO_NEW_PRIVS:");
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		die(NAME, 111, "prctl PR_SET_SECCOMP:");
#else
	die(NAME, 111, "-P: no seccomp filter for this architecture");
#endif
}

/* Apply the options, then exec the program. */
int
main(int argc, char **argv)
{
	int opt, fd, k;

	while ((opt = getopt(argc, argv, "+b:i:n:k:P")) != -1) {
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
		case 'P':
			no_pidfds();
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
