/*
 * writewithin: write lines the way bootcon's programs write into a window.
 *
 *	writewithin FROM TO
 *
 * For each budget MS from FROM to TO milliseconds, writes the line "ms MS"
 * on stdout with c/util.c's write_within (built in: it includes util.c),
 * as bootcon-exec does with MS left before its -t deadline.  Exits 0 if
 * every line was written; else says on stderr which were dropped, and why,
 * and exits 1.
 */
#include "helper.h"
#include "util.c"

#define NAME "writewithin"

/* Parse a number of milliseconds, 0 to 2000000000 (parse_seconds' range). */
static long long
parse_ms(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 2000000000LL)
		die(NAME, 100, "bad number of milliseconds: %s", s);
	return v;
}

/* Write one line per budget from FROM to TO; report each one dropped. */
int
main(int argc, char **argv)
{
	long long from, to, ms;
	char line[64];
	int n, dropped = 0;

	if (argc != 3)
		die(NAME, 100, "usage: writewithin FROM TO");
	from = parse_ms(argv[1]);
	to = parse_ms(argv[2]);
	for (ms = from; ms <= to; ms++) {
		n = snprintf(line, sizeof(line), "ms %lld\n", ms);
		if (n < 0 || (size_t)n >= sizeof(line))
			die(NAME, 111, "snprintf:");
		if (write_within(1, line, n, ms) < 0) {
			fprintf(stderr, "%s: the line with %lld ms left was "
			    "dropped: %s\n", NAME, ms, strerror(errno));
			dropped = 1;
		}
	}
	return dropped;
}
