#include "notice.h"

#include <stdarg.h>
#include <stdio.h>

#include "msgout.h"

void notice(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line so that concurrent notices do not interleave. */
	msgout_before();
	fprintf(stderr, "vcrypto-chat: %s\n", line);
	msgout_after();
}
