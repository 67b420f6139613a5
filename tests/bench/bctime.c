/*
 * bctime: time commands run directly (fork + exec, no shell), interleaved.
 *
 *	bctime [-n RUNS] [-w WARMUP] [-f FIFO] [-p PREPARE] [-g CGROUP] CMD [ARG]...
 *	    [';' [-p PREPARE] [-g CGROUP] CMD [ARG]...]...
 *
 * Each round runs every command once, in order, so slow drift of a shared
 * machine hits all commands alike.  PREPARE (a sh -c string, untimed) runs
 * before each run of the command it precedes.  The commands' stdin and
 * stdout are /dev/null; stderr is kept.  In an argument, %n becomes the
 * run's number (a name of its own for each run).  With -f, a run lasts
 * until the command has exited and a byte has come on FIFO (from the
 * program the command launched: tests/bench/mark.c).  With -g, the
 * command runs in cgroup directory CGROUP (none if empty), and the CPU time
 * the cgroup used per run is measured.  Prints one line per command: "median mean min max"
 * in seconds, and with -g the CPU seconds per run.  Exits 1 if a command
 * fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cmd {
	char	**argv;
	const char *prep;
	const char *cgroup;
	double	*t;
	long long cpu;
};

static int fifo = -1;
static long counter;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The CPU microseconds cgroup directory DIR has used, or -1. */
static long long
cgroup_usec(const char *dir)
{
	char path[4096];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cpu.stat", dir);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fscanf(f, "usage_usec %lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Join cgroup directory DIR (in the child, before its exec). */
static void
join_cgroup(const char *dir)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (f == NULL || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0) {
		fprintf(stderr, "bctime: joining %s: %s\n", dir, strerror(errno));
		_exit(111);
	}
}

/* ARGV with each %n replaced by this run's number, in storage of our own. */
static char **
numbered(char **argv)
{
	static char *out[256], buf[8192];
	size_t used = 0, k;
	char *p;
	int i, n;

	counter++;
	for (i = 0; argv[i] != NULL && i < 255; i++) {
		p = strstr(argv[i], "%n");
		out[i] = argv[i];
		if (p == NULL || used + strlen(argv[i]) + 24 > sizeof(buf))
			continue;
		k = p - argv[i];
		n = snprintf(buf + used, sizeof(buf) - used, "%.*s%ld%s", (int)k,
		    argv[i], counter, p + 2);
		out[i] = buf + used;
		used += n + 1;
	}
	out[i] = NULL;
	return out;
}

/* Wait up to 10 s for the byte a launched program sends on the FIFO. */
static int
wait_mark(void)
{
	struct pollfd p = { fifo, POLLIN, 0 };
	char c;

	for (;;) {
		if (read(fifo, &c, 1) == 1)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		if (poll(&p, 1, 10000) == 0)
			return -1;
	}
}

static int
run(char **argv, int quiet, const char *cgroup)
{
	pid_t pid;
	int st, fd;

	argv = numbered(argv);
	pid = fork();
	if (pid < 0) {
		perror("bctime: fork");
		exit(111);
	}
	if (pid == 0) {
		if (quiet && (fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			if (fd > 2)
				close(fd);
		}
		if (cgroup != NULL)
			join_cgroup(cgroup);
		execvp(argv[0], argv);
		fprintf(stderr, "bctime: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			perror("bctime: waitpid");
			exit(111);
		}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct cmd cmds[32];
	long long u;
	char *sh[] = { "sh", "-c", NULL, NULL };
	int ncmd = 0, runs = 10, warm = 1, r, i, j, st;
	double t0, sum;

	for (i = 1; i < argc; ) {
		const char *prep = NULL;

		if (ncmd == 0 && i + 1 < argc && !strcmp(argv[i], "-n")) {
			runs = atoi(argv[i + 1]);
			i += 2;
			continue;
		}
		if (ncmd == 0 && i + 1 < argc && !strcmp(argv[i], "-w")) {
			warm = atoi(argv[i + 1]);
			i += 2;
			continue;
		}
		if (ncmd == 0 && i + 1 < argc && !strcmp(argv[i], "-f")) {
			/* Ours as a writer too: no end of file between marks. */
			fifo = open(argv[i + 1], O_RDWR | O_NONBLOCK | O_CLOEXEC);
			if (fifo < 0) {
				perror("bctime: -f");
				return 111;
			}
			i += 2;
			continue;
		}
		cmds[ncmd].cgroup = NULL;
		if (i + 1 < argc && !strcmp(argv[i], "-p")) {
			prep = argv[i + 1];
			i += 2;
		}
		if (i + 1 < argc && !strcmp(argv[i], "-g")) {
			/* An empty CGROUP: none. */
			if (argv[i + 1][0] != '\0')
				cmds[ncmd].cgroup = argv[i + 1];
			i += 2;
		}
		if (i >= argc || !strcmp(argv[i], ";") || ncmd == 32)
			goto usage;
		cmds[ncmd].argv = argv + i;
		cmds[ncmd].prep = prep;
		while (i < argc && strcmp(argv[i], ";"))
			i++;
		if (i < argc)
			argv[i++] = NULL;
		ncmd++;
	}
	if (ncmd == 0 || runs < 1 || warm < 0)
		goto usage;
	for (j = 0; j < ncmd; j++) {
		if (!(cmds[j].t = calloc(runs, sizeof(double)))) {
			perror("bctime");
			return 111;
		}
		cmds[j].cpu = cmds[j].cgroup ? cgroup_usec(cmds[j].cgroup) : -1;
	}
	for (r = -warm; r < runs; r++)
		for (j = 0; j < ncmd; j++) {
			if (cmds[j].prep) {
				sh[2] = (char *)cmds[j].prep;
				if ((st = run(sh, 0, NULL)) != 0) {
					fprintf(stderr, "bctime: prepare '%s' exited %d\n",
					    cmds[j].prep, st);
					return 1;
				}
			}
			t0 = now();
			st = run(cmds[j].argv, 1, cmds[j].cgroup);
			if (st == 0 && fifo >= 0 && wait_mark() < 0) {
				fprintf(stderr, "bctime: %s: no mark within 10 s\n",
				    cmds[j].argv[0]);
				return 1;
			}
			if (r >= 0)
				cmds[j].t[r] = now() - t0;
			if (st != 0) {
				fprintf(stderr, "bctime: %s exited %d\n",
				    cmds[j].argv[0], st);
				return 1;
			}
		}
	for (j = 0; j < ncmd; j++) {
		double *t = cmds[j].t;

		qsort(t, runs, sizeof(double), cmp);
		for (sum = 0, i = 0; i < runs; i++)
			sum += t[i];
		printf("%.9f %.9f %.9f %.9f", runs % 2 ? t[runs / 2] :
		    (t[runs / 2 - 1] + t[runs / 2]) / 2, sum / runs, t[0],
		    t[runs - 1]);
		u = cmds[j].cpu >= 0 ? cgroup_usec(cmds[j].cgroup) : -1;
		if (u >= 0)
			printf(" %.9f", (u - cmds[j].cpu) / 1e6 / (runs + warm));
		printf("\n");
	}
	return 0;
usage:
	fprintf(stderr, "usage: bctime [-n RUNS] [-w WARMUP] [-f FIFO] [-p PREP] "
	    "[-g CGROUP] CMD... [';' [-p PREP] [-g CGROUP] CMD...]...\n");
	return 100;
}
