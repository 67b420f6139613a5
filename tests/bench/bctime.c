/*
 * bctime: time commands run directly (fork + exec, no shell), interleaved.
 *
 *	bctime [-n RUNS] [-w WARMUP] [-p PREPARE] CMD [ARG]... [';' [-p PREPARE] CMD [ARG]...]...
 *
 * Each round runs every command once, in order, so slow drift of a shared
 * machine hits all commands alike.  PREPARE (a sh -c string, untimed) runs
 * before each run of the command it precedes.  The commands' stdin and
 * stdout are /dev/null; stderr is kept.  Prints one line per command:
 * "median mean min max" in seconds.  Exits 1 if a command fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cmd {
	char	**argv;
	const char *prep;
	double	*t;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
run(char **argv, int quiet)
{
	pid_t pid;
	int st, fd;

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
		if (i + 1 < argc && !strcmp(argv[i], "-p")) {
			prep = argv[i + 1];
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
	for (j = 0; j < ncmd; j++)
		if (!(cmds[j].t = calloc(runs, sizeof(double)))) {
			perror("bctime");
			return 111;
		}
	for (r = -warm; r < runs; r++)
		for (j = 0; j < ncmd; j++) {
			if (cmds[j].prep) {
				sh[2] = (char *)cmds[j].prep;
				if ((st = run(sh, 0)) != 0) {
					fprintf(stderr, "bctime: prepare '%s' exited %d\n",
					    cmds[j].prep, st);
					return 1;
				}
			}
			t0 = now();
			st = run(cmds[j].argv, 1);
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
		printf("%.9f %.9f %.9f %.9f\n", runs % 2 ? t[runs / 2] :
		    (t[runs / 2 - 1] + t[runs / 2]) / 2, sum / runs, t[0],
		    t[runs - 1]);
	}
	return 0;
usage:
	fprintf(stderr, "usage: bctime [-n RUNS] [-w WARMUP] [-p PREP] CMD... "
	    "[';' [-p PREP] CMD...]...\n");
	return 100;
}
