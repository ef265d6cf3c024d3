/* vcrypto-chat: command line. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chat.h"
#include "keyfile.h"
#include "net.h"
#include "notice.h"
#include "text.h"


static const char usage_text[] =
	"usage: vcrypto-chat keygen FILE\n"
	"       vcrypto-chat server [-b ADDR] [-p PORT] -k KEYFILE [--crypto SPEC] [-v]\n"
	"       vcrypto-chat client -k KEYFILE [-n NAME] [--crypto SPEC] [-v] HOST PORT\n"
	"\n"
	"An encrypted chat over TCP (protocol: docs/PROTOCOL.md).\n"
	"  keygen FILE       write a new 32-byte random key to FILE (mode 0600;\n"
	"                    an existing FILE is never overwritten)\n"
	"  server            relay every client's lines to all other clients;\n"
	"                    lines on standard input go to every client\n"
	"  client            send standard input line by line, print what arrives\n"
	"\n"
	"  -b, --bind ADDR   server address to listen on (default: all)\n"
	"  -p, --port PORT   server port, 0 for an ephemeral one (default: 7777)\n"
	"  -k, --key FILE    the shared key file (both ends use the same; it must\n"
	"                    be yours and unreadable by group and others)\n"
	"  -n, --name NAME   client: the name others see (default: your login\n"
	"                    name); 1 to 32 printable characters, no spaces, not\n"
	"                    'server'; the server refuses a name already in use\n"
	"      --crypto SPEC crypto engine: " VC_ENGINE_SPECS " (default: auto)\n"
	"  -v, --verbose     more notices\n"
	"  -h, --help        this help;  -V, --version  the version\n"
	"\n"
	"Chat messages go to standard output, one per line, prefixed with their\n"
	"sender ([NAME] or [server]), with control characters removed; notices\n"
	"go to standard error. Exit status: 0 ok, 1 failure, 2 usage error.\n";

enum { OPT_CRYPTO = 256 };

static const struct option long_opts[] = {
	{ "bind", required_argument, NULL, 'b' },
	{ "port", required_argument, NULL, 'p' },
	{ "key", required_argument, NULL, 'k' },
	{ "name", required_argument, NULL, 'n' },
	{ "crypto", required_argument, NULL, OPT_CRYPTO },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vcrypto-chat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	return 2;
}

static int check_port(const char *s, int allow_zero)
{
	char *end;
	unsigned long v;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 5)
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 65535 || (v == 0 && !allow_zero))
		return -1;
	return 0;
}

/* The login name: the password database's entry for our user, else
 * $LOGNAME or $USER. NULL when none is known. */
static const char *login_name(void)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *env;

	if (pw && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	env = getenv("LOGNAME");
	if (!env || !*env)
		env = getenv("USER");
	return env && *env ? env : NULL;
}

static int keygen(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc != 2)
		return usage_error("%s", "keygen needs exactly one FILE");
	/* "-x" is an option we do not know, never a file name. */
	if (argv[1][0] == '-' && argv[1][1])
		return usage_error("keygen: unknown option '%s'", argv[1]);
	return keyfile_generate(argv[1]) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct chat_opts o = { .port = "7777" };
	const char *cmd, *keypath = NULL, *spec = "auto";
	char err[512];
	int c, server, rc;

	if (argc >= 2 && strcmp(argv[1], "keygen") == 0)
		return keygen(argc - 1, argv + 1);
	if (argc < 2 || argv[1][0] == '-') {
		c = argc >= 2 ? getopt_long(argc, argv, "hV", long_opts, NULL)
			      : -1;
		if (c == 'h') {
			fputs(usage_text, stdout);
			return 0;
		}
		if (c == 'V') {
			printf("vcrypto-chat %s (protocol version %d)\n", VCRYPTO_VERSION, PROTO_VERSION);
			return 0;
		}
		return usage_error("%s", argc < 2 ? "missing command" :
				   "unknown option before the command");
	}
	cmd = argv[1];
	if (strcmp(cmd, "server") == 0)
		server = 1;
	else if (strcmp(cmd, "client") == 0)
		server = 0;
	else
		return usage_error("unknown command '%s'", cmd);
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "b:p:k:n:vhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (!server)
				return usage_error("%s", "-b is a server option");
			o.bind_addr = optarg;
			break;
		case 'p':
			if (!server)
				return usage_error("%s", "-p is a server option (client: HOST PORT)");
			o.port = optarg;
			break;
		case 'k':
			keypath = optarg;
			break;
		case 'n':
			if (server)
				return usage_error("%s", "-n is a client option (the server's lines are [server])");
			o.name = optarg;
			break;
		case OPT_CRYPTO:
			spec = optarg;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("vcrypto-chat %s (protocol version %d)\n", VCRYPTO_VERSION, PROTO_VERSION);
			return 0;
		default:
			return usage_error("%s", "bad option");
		}
	}
	if (server && optind != argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!server) {
		if (argc - optind != 2)
			return usage_error("%s", "client needs HOST PORT");
		o.host = argv[optind];
		o.port = argv[optind + 1];
	}
	if (check_port(o.port, server) != 0)
		return usage_error("bad port '%s' (%s-65535)", o.port,
				   server ? "0" : "1");
	if (!server && !o.name) {
		o.name = login_name();
		if (!o.name)
			return usage_error("%s", "cannot tell your login name: give one with --name NAME");
		if (!text_name_valid((const uint8_t *)o.name, strlen(o.name)))
			return usage_error("your login name '%s' is not a valid chat name: give one with --name NAME",
					   o.name);
	}
	if (!server &&
	    !text_name_valid((const uint8_t *)o.name, strlen(o.name)))
		return usage_error("bad name '%s' (1 to 32 printable characters, no spaces, not 'server')",
				   o.name);
	if (!keypath)
		return usage_error("%s", "missing -k KEYFILE");
	if (keyfile_load(keypath, o.key, err, sizeof(err)) != 0)
		return usage_error("%s", err);
	if (!server &&
	    net_resolve(o.host, o.port, 0, &o.peer, err, sizeof(err)) != 0)
		return usage_error("%s", err);
	if (server && o.bind_addr) {
		struct addrinfo *ai;

		if (net_resolve(o.bind_addr, o.port, 1, &ai, err,
				sizeof(err)) != 0)
			return usage_error("%s", err);
		freeaddrinfo(ai);
	}
	rc = vc_engine_open(&o.engine, spec, o.verbose);
	if (rc != 0) {
		notice("cannot open crypto engine '%s': %s", spec,
		       vc_last_error());
		if (o.peer)
			freeaddrinfo(o.peer);
		vc_wipe(o.key, sizeof(o.key));
		return rc == -EINVAL ? 2 : 1;
	}
	notice("crypto engine: %s", vc_engine_describe(o.engine));
	rc = server ? server_run(&o) : client_run(&o);
	if (o.peer)
		freeaddrinfo(o.peer);
	vc_engine_close(o.engine);
	vc_wipe(o.key, sizeof(o.key));
	return rc;
}
