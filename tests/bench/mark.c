/* mark FIFO [SECONDS]: send one byte on FIFO (bctime -f), then stay SECONDS. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int fd;

	if (argc < 2)
		return 100;
	fd = open(argv[1], O_WRONLY | O_NONBLOCK);
	if (fd < 0 || write(fd, "m", 1) != 1)
		return 111;
	if (argc > 2)
		sleep(atoi(argv[2]));
	return 0;
}
