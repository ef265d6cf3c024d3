#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "memory.h"
#include "signals.h"
#include "stats.h"

static volatile sig_atomic_t got_term, got_usr1;
static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;
	ssize_t n;

	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_term = 1;
	/* A full pipe already holds a wakeup: nothing to do if this fails. */
	n = write(sig_pipe[1], "", 1);
	(void)n;
	errno = saved;
}

int signals_setup(void)
{
	struct sigaction sa;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return mem_guard_install();
}

int signals_fd(void)
{
	return sig_pipe[0];
}

int signals_check(void)
{
	char buf[64];

	while (sig_pipe[0] >= 0 && read(sig_pipe[0], buf, sizeof(buf)) > 0)
		;
	if (got_usr1) {
		got_usr1 = 0;
		stats_print("SIGUSR1");
	}
	return got_term;
}
