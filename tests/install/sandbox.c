/*
 * The seccomp part of vcryptod@.service, applied as systemd 252 does, for a
 * process that systemd does not start (tests/install/12-sandbox):
 * SystemCallFilter= as an allowlist read from a file (any other call kills
 * the process, stricter than the unit's EPERM), MemoryDenyWriteExecute=
 * (mmap W+X, mprotect/pkey_mprotect +X, shmat SHM_EXEC fail with EPERM),
 * RestrictAddressFamilies=AF_UNIX (socket() of any other family fails with
 * EAFNOSUPPORT), RestrictNamespaces= (clone3 fails with ENOSYS, so that
 * glibc falls back to clone, whose namespace flags fail with EPERM, as do
 * unshare and setns), SystemCallArchitectures=native and no_new_privs.
 * Usage: sandbox SYSCALLS-FILE COMMAND [ARG]...
 *        sandbox SYSCALLS-FILE --probe inet|wx|netns|kill
 * A probe exits 0 when the sandbox stopped it (kill: dies of SIGSYS).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <seccomp.h>

static int load(scmp_filter_ctx ctx, const char *what)
{
	int r = ctx ? seccomp_load(ctx) : -ENOMEM;

	if (r)
		fprintf(stderr, "sandbox: %s filter: %s\n", what, strerror(-r));
	seccomp_release(ctx);
	return r;
}

static int allowlist(const char *path)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	FILE *f = fopen(path, "r");
	char name[128];
	int nr, n = 0;

	if (!f || !ctx) {
		fprintf(stderr, "sandbox: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fscanf(f, "%127s", name) == 1) {
		nr = seccomp_syscall_resolve_name(name);
		/* Names of other architectures' calls (systemd lists them too). */
		if (nr == __NR_SCMP_ERROR || nr < 0)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) == 0)
			n++;
	}
	fclose(f);
	if (n < 100) {
		fprintf(stderr, "sandbox: %s: only %d system calls\n", path, n);
		seccomp_release(ctx);
		return -1;
	}
	return load(ctx, "system call");
}

static int deny_write_exec(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	const scmp_datum_t wx = PROT_WRITE | PROT_EXEC;

	if (ctx && (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, wx, wx)) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC)) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(pkey_mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC)) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(shmat), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC)))) {
		seccomp_release(ctx);
		ctx = NULL;
	}
	return load(ctx, "write-execute");
}

static int no_namespaces(void)
{
	static const int flags[] = { CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC,
		CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP };
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r = !ctx;
	unsigned int i;

	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 0) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 0);
	for (i = 0; !r && i < sizeof(flags) / sizeof(flags[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, flags[i], flags[i]));
	if (r) {
		seccomp_release(ctx);
		ctx = NULL;
	}
	return load(ctx, "namespace");
}

static int unix_only(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (ctx && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
				    SCMP_A0(SCMP_CMP_NE, AF_UNIX))) {
		seccomp_release(ctx);
		ctx = NULL;
	}
	return load(ctx, "address family");
}

/* Each probe exits 0 when the sandbox stopped it, 1 when it got through. */
static int probe(const char *what)
{
	struct rlimit rl;

	if (!strcmp(what, "inet")) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		printf("socket(AF_INET): %s\n", fd < 0 ? strerror(errno) : "allowed");
		return fd < 0 && errno == EAFNOSUPPORT ? 0 : 1;
	}
	if (!strcmp(what, "wx")) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		printf("mmap(W|X): %s\n", p == MAP_FAILED ? strerror(errno) : "allowed");
		return p == MAP_FAILED && errno == EPERM ? 0 : 1;
	}
	if (!strcmp(what, "netns")) {
		int r = unshare(CLONE_NEWNET);

		printf("unshare(CLONE_NEWNET): %s\n", r ? strerror(errno) : "allowed");
		return r ? 0 : 1;
	}
	if (!strcmp(what, "kill")) {
		/* setrlimit is in @resources, which the unit takes away. */
		getrlimit(RLIMIT_CORE, &rl);
		syscall(SYS_setrlimit, RLIMIT_CORE, &rl);
		printf("setrlimit: allowed\n");
		return 1;
	}
	fprintf(stderr, "sandbox: unknown probe '%s'\n", what);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: sandbox SYSCALLS-FILE COMMAND [ARG]...\n"
			"       sandbox SYSCALLS-FILE --probe inet|wx|netns|kill\n");
		return 2;
	}
	if (deny_write_exec() || no_namespaces() || unix_only() || allowlist(argv[1]))
		return 1;
	if (!strcmp(argv[2], "--probe"))
		return argc == 4 ? probe(argv[3]) : 2;
	execv(argv[2], argv + 2);
	fprintf(stderr, "sandbox: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
