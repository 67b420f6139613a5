/*
 * Shared declarations of bootcon-server and bootcon-exec.
 *
 * Protocol (version 1), over a SOCK_STREAM Unix socket:
 *   server -> client: one byte BC_TAG with exactly three SCM_RIGHTS fds,
 *                     the server's 0, 1 and 2 (the window's terminal);
 *                     or one byte BC_BUSY and no fds while another process
 *                     holds the terminal; or nothing (peer refused).
 *   client -> server: one byte BC_ACK, optionally followed by up to
 *                     BC_NAME_MAX bytes naming PROG (for the window's
 *                     "pid N (name) exited" line), sent in one write once
 *                     the fds are validated, before the client installs
 *                     them and execs PROG; the client never waits for a
 *                     reply.
 * Both sides check the other's uid with SO_PEERCRED.  The server waits
 * 5 s for the ack, then shuts the connection for reading (a later ack
 * fails with EPIPE, and that client gives up); it holds the window for the
 * ack's sender, whose pid (SCM_CREDENTIALS) and pidfd (SCM_PIDFD) the
 * kernel attaches.
 */
#ifndef BOOTCON_H
#define BOOTCON_H

#include <sys/socket.h>
#include <sys/un.h>

#define BC_PROTO	1
#define BC_TAG		(0xb0 | BC_PROTO)
#define BC_BUSY		0xbe
#define BC_ACK		0x06
#define BC_NAME_MAX	15
#define BC_DEFAULT_SOCKET	"@init_console"
/* A read of a window's copy this big is a flood's (see flood_pause). */
#define FLOOD_READ	2048
#define FLOOD_PAUSE_NS	10000000L

#define EX_REFUSED	1
#define EX_USAGE	100
#define EX_SYS		111
#define EX_NOEXEC	126
#define EX_NOTFOUND	127

struct bc_addr {
	struct sockaddr_un sun;
	socklen_t len;
	int abstract;
};

extern const char *progname;
extern int verbosity;
extern void (*fatal_cleanup)(void);
extern long long (*message_budget)(void);
extern void (*fatal_notify)(int, const char *, size_t);

void	fatal(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
void	warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	info(const char *, ...) __attribute__((format(printf, 1, 2)));
int	bc_addr_parse(struct bc_addr *, const char *);
const char *bc_socket_name(const char *);
long long now_ms(void);
void	flood_pause(size_t, size_t);
int	release_ctty(int);
void	bc_msg_init(struct msghdr *, struct iovec *, unsigned char *, void *,
	    size_t);
int	same_terminal(const int[3], int[3], char *, size_t);
int	parse_seconds(const char *, long long *);
int	write_within(int, const void *, size_t, long long);

/* console.c: the window's terminal over /dev/console (root only). */
void	become_console(void);
int	release_console(int, int);

#endif
