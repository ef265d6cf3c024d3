#include "tty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "msgout.h"
#include "notice.h"

static struct linein *typed;
static int active;

static void on_line(char *line)
{
	size_t len;

	if (!line) {
		/* Ctrl-D on an empty line: the end of our input. */
		typed->eof = 1;
		tty_stop();
		return;
	}
	len = strlen(line);
	if (len > 0)
		add_history(line);
	if (linein_push(typed, line, len) != 0)
		notice("line too long for the input buffer: cut");
	free(line);
}

/* Take the prompt and the line being typed off the screen... */
static void hide(void)
{
	rl_clear_visible_line();
	fflush(rl_outstream);
}

/* ...and put them back below what was written meanwhile. */
static void show(void)
{
	rl_forced_update_display();
	fflush(rl_outstream);
}

int tty_start(struct linein *in)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return 0;
	typed = in;
	/* Keep readline's handlers (which restore the terminal) for the
	 * whole session, not only inside rl_callback_read_char(). */
	rl_persistent_signal_handlers = 1;
	rl_callback_handler_install("> ", on_line);
	msgout_around(hide, show);
	active = 1;
	return 1;
}

void tty_read(void)
{
	if (active)
		rl_callback_read_char();
}

void tty_stop(void)
{
	if (!active)
		return;
	active = 0;
	msgout_around(NULL, NULL);
	rl_callback_handler_remove();
	/* Leave the cursor at the start of a fresh line. */
	fputs("\n", rl_outstream);
	fflush(rl_outstream);
}
