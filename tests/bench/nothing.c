/* An empty dynamic program: its system calls are the loader's and libc's start-up. */
int
main(void)
{
	return 0;
}
