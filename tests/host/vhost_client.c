/*
 * vhost-user message-level test of the real vcryptod: a front-end that
 * speaks the protocol over its socket (and over --fd), checks every reply,
 * feeds malformed messages, bad fds and bad memory tables, creates sessions in
 * both payload layouts, and runs requests through a ring in shared memory
 * against the NIST SP 800-38A vectors.
 * Usage: vhost-client VCRYPTOD SOCKET-PATH
 * With --bench [--depth D] [--pieces P] [--poll] VCRYPTOD SOCKET-PATH SECONDS
 * SIZE...: D requests (default 1) at a time through vcryptod's data path,
 * one kick for them and a wait for the call (--poll: no interrupt asked for,
 * the used index polled), no guest; --pieces: source and destination each
 * in P-byte pieces apart from each other, as in a guest; prints "backend
 * SIZE OPS/S MB/S US VCD-CPU CLIENT-CPU" (wall and CPU microseconds per
 * request).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sockios.h>
#include <linux/virtio_crypto.h>
#include <linux/virtio_ring.h>

#include "../../host/log.h"
#include "../../host/vhost_user.h"
#include "../hex.h"
#include "../report.h"

/* A guard against hangs only; every wait ends on an event long before. */
#define HANG_MS 30000

static const char *vcryptod, *sock_path;
static pid_t vcd_pid = -1;
static const char *current;

/* ---- vcryptod's stderr: copied to ours, watched for lines ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t log_cond = PTHREAD_COND_INITIALIZER;
static char seen[8192];
static int log_eof, log_gen;
/* Lines a guest can cause at will (refused sessions, unknown closes), and
 * disconnections, which mark a point in the log. */
static unsigned int guest_lines, ring_lines, disconnects;

struct drain_arg {
	int fd, gen;
};

static void *drain(void *arg)
{
	struct drain_arg *a = arg;
	FILE *f = fdopen(a->fd, "r");
	int gen = a->gen;
	char line[1024];

	free(a);
	while (f && fgets(line, sizeof(line), f)) {
		fputs(line, stdout);
		pthread_mutex_lock(&log_lock);
		if (strstr(line, "session refused") || strstr(line, "close of unknown") ||
		    strstr(line, "similar lines dropped"))
			guest_lines++;
		if (strstr(line, "data queue"))
			ring_lines++;
		if (strstr(line, "front-end disconnected"))
			disconnects++;
		if (gen == log_gen && (strstr(line, "listening on") || strstr(line, "serving fd") ||
		    strstr(line, "counters (")))
			strncat(seen, line, sizeof(seen) - strlen(seen) - 1);
		pthread_cond_broadcast(&log_cond);
		pthread_mutex_unlock(&log_lock);
	}
	pthread_mutex_lock(&log_lock);
	if (gen == log_gen)
		log_eof = 1;
	pthread_cond_broadcast(&log_cond);
	pthread_mutex_unlock(&log_lock);
	if (f)
		fclose(f);
	return NULL;
}

/* Wait for a line containing what (counted from the start); 0 or -1. */
static int wait_line(const char *what)
{
	struct timespec ts;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += HANG_MS / 1000;
	pthread_mutex_lock(&log_lock);
	while (!strstr(seen, what) && !log_eof && ret == 0)
		ret = pthread_cond_timedwait(&log_cond, &log_lock, &ts);
	ret = strstr(seen, what) ? 0 : -1;
	pthread_mutex_unlock(&log_lock);
	return ret;
}

/* Wait until vcryptod reported more than n disconnections; 0 or -1. */
static int wait_disconnects(unsigned int n)
{
	struct timespec ts;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += HANG_MS / 1000;
	pthread_mutex_lock(&log_lock);
	while (disconnects <= n && !log_eof && ret == 0)
		ret = pthread_cond_timedwait(&log_cond, &log_lock, &ts);
	ret = disconnects > n ? 0 : -1;
	pthread_mutex_unlock(&log_lock);
	return ret;
}

static pid_t spawn(char **argv, int keep_fd)
{
	struct drain_arg *a = malloc(sizeof(*a));
	pthread_t t;
	int p[2];
	pid_t pid;

	if (!a || pipe2(p, O_CLOEXEC))
		return -1;
	pthread_mutex_lock(&log_lock);
	seen[0] = 0;
	log_eof = 0;
	a->gen = ++log_gen;
	pthread_mutex_unlock(&log_lock);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(p[1], 2);
		if (keep_fd == 3)
			fcntl(3, F_SETFD, 0);
		else if (keep_fd >= 0)
			dup2(keep_fd, 3);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	a->fd = p[0];
	pthread_create(&t, NULL, drain, a);
	pthread_detach(t);
	return pid;
}

/* ---- messages ---- */

static int xconnect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sa.sun_path, sock_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_msg(int fd, uint32_t req, uint32_t flags, const void *payload,
		    uint32_t size, const int *fds, int nfds)
{
	union {
		char buf[CMSG_SPACE(16 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct vu_msg m;
	struct iovec iov = { &m, VU_HDR_SIZE + size };
	struct msghdr mh = { 0 };

	m.request = req;
	m.flags = flags;
	m.size = size;
	if (size)
		memcpy(m.payload, payload, size);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds) {
		struct cmsghdr *cm;

		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)iov.iov_len ? 0 : -1;
}

static int read_full(int fd, void *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pf, 1, HANG_MS) != 1)
			return -2;
		n = read(fd, (char *)p + got, len - got);
		if (n <= 0)
			return got ? -1 : 0;
		got += (size_t)n;
	}
	return 1;
}

/* Read a reply; returns its payload size, -1 on EOF/error. */
static int recv_reply(int fd, struct vu_msg *m)
{
	if (read_full(fd, m, VU_HDR_SIZE) != 1 || m->size > VU_MAX_PAYLOAD)
		return -1;
	if (m->size && read_full(fd, m->payload, m->size) != 1)
		return -1;
	return (int)m->size;
}

/* The connection was closed by vcryptod: the next read is EOF. */
static int closed_by_peer(int fd)
{
	char c;

	return read_full(fd, &c, 1) == 0;
}

static int get_u64(int fd, uint32_t req, uint64_t *v)
{
	struct vu_msg m;

	if (send_msg(fd, req, VU_VERSION, NULL, 0, NULL, 0) ||
	    recv_reply(fd, &m) != 8 || m.request != req ||
	    m.flags != (VU_VERSION | VU_FLAG_REPLY))
		return -1;
	memcpy(v, m.payload, 8);
	return 0;
}

/* Send with NEED_REPLY and return the ack value (-1: no ack). */
static int64_t acked(int fd, uint32_t req, const void *payload, uint32_t size,
		     const int *fds, int nfds)
{
	struct vu_msg m;
	uint64_t v;

	if (send_msg(fd, req, VU_VERSION | VU_FLAG_NEED_REPLY, payload, size, fds,
		     nfds) || recv_reply(fd, &m) != 8 || m.request != req)
		return -1;
	memcpy(&v, m.payload, 8);
	return (int64_t)v;
}

static int set_u64(int fd, uint32_t req, uint64_t v)
{
	return send_msg(fd, req, VU_VERSION, &v, 8, NULL, 0);
}

/* Connect and negotiate REPLY_ACK and CRYPTO_SESSION like QEMU does. */
static int open_conn(void)
{
	uint64_t f;
	int fd = xconnect();

	if (fd < 0 || get_u64(fd, VU_GET_FEATURES, &f) ||
	    get_u64(fd, VU_GET_PROTOCOL_FEATURES, &f) ||
	    set_u64(fd, VU_SET_PROTOCOL_FEATURES, f) ||
	    send_msg(fd, VU_SET_OWNER, VU_VERSION, NULL, 0, NULL, 0)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int count_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/*
 * vcryptod still serves (a new connection answers), and holds exactly the
 * fds it held at the start: nothing leaked from earlier connections. The new
 * connection is accepted only after the previous one was cleaned up.
 */
static int baseline_fds = -1;

static int alive_no_leak(void)
{
	uint64_t f;
	int fd = xconnect(), n;

	if (fd < 0 || get_u64(fd, VU_GET_FEATURES, &f)) {
		printf("  vcryptod does not answer a new connection\n");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n = count_fds(vcd_pid);
	close(fd);
	if (baseline_fds < 0)
		baseline_fds = n;
	if (n != baseline_fds) {
		printf("  vcryptod holds %d fds, %d at the start\n", n, baseline_fds);
		return -1;
	}
	return 0;
}


/* ---- shared guest memory ---- */

#define GPA	0x100000ull
#define UADDR	0x7f5500000000ull
#define MEMSZ	(1u << 20)
#define NUM	64

/* Guest memory of guest_setup(): MEMSZ, more for --bench. */
static uint64_t memsz = MEMSZ;

struct guest {
	int memfd, kick, call;
	uint8_t *mem;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
};

static void region(uint8_t *p, uint64_t gpa, uint64_t size, uint64_t uaddr,
		   uint64_t off)
{
	memcpy(p, &gpa, 8);
	memcpy(p + 8, &size, 8);
	memcpy(p + 16, &uaddr, 8);
	memcpy(p + 24, &off, 8);
}

static int mem_table(int fd, int memfd, int64_t *ack)
{
	uint8_t pl[8 + 32] = { 1 };

	region(pl + 8, GPA, memsz, UADDR, 0);
	*ack = acked(fd, VU_SET_MEM_TABLE, pl, sizeof(pl), &memfd, 1);
	return 0;
}

/* kick_first: send the ring's fds before the memory table and addresses. */
static int guest_setup_order(int fd, struct guest *g, int kick_first)
{
	uint32_t st[2];
	uint8_t addr[40] = { 0 };
	uint64_t v;
	int64_t ack;

	memset(g, 0, sizeof(*g));
	g->memfd = memfd_create("guest", MFD_CLOEXEC);
	if (g->memfd < 0 || ftruncate(g->memfd, (off_t)memsz))
		return -1;
	g->mem = mmap(NULL, memsz, PROT_READ | PROT_WRITE, MAP_SHARED, g->memfd, 0);
	if (g->mem == MAP_FAILED)
		return -1;
	g->desc = (struct vring_desc *)g->mem;
	g->avail = (struct vring_avail *)(g->mem + 0x1000);
	g->used = (struct vring_used *)(g->mem + 0x2000);
	g->kick = eventfd(0, EFD_CLOEXEC);
	g->call = eventfd(0, EFD_CLOEXEC);
	v = 0;
	if (kick_first &&
	    (acked(fd, VU_SET_VRING_CALL, &v, 8, &g->call, 1) != 0 ||
	     acked(fd, VU_SET_VRING_KICK, &v, 8, &g->kick, 1) != 0))
		return -1;
	if (mem_table(fd, g->memfd, &ack) || ack != 0)
		return -1;
	st[0] = 0;
	st[1] = NUM;
	if (acked(fd, VU_SET_VRING_NUM, st, 8, NULL, 0) != 0)
		return -1;
	st[1] = 0;
	if (acked(fd, VU_SET_VRING_BASE, st, 8, NULL, 0) != 0)
		return -1;
	v = UADDR;
	memcpy(addr + 8, &v, 8);
	v = UADDR + 0x2000;
	memcpy(addr + 16, &v, 8);
	v = UADDR + 0x1000;
	memcpy(addr + 24, &v, 8);
	if (acked(fd, VU_SET_VRING_ADDR, addr, 40, NULL, 0) != 0)
		return -1;
	v = 0;
	if (!kick_first &&
	    (acked(fd, VU_SET_VRING_CALL, &v, 8, &g->call, 1) != 0 ||
	     acked(fd, VU_SET_VRING_KICK, &v, 8, &g->kick, 1) != 0))
		return -1;
	return 0;
}

static int guest_setup(int fd, struct guest *g)
{
	return guest_setup_order(fd, g, 0);
}

static void guest_free(struct guest *g)
{
	if (g->mem && g->mem != MAP_FAILED)
		munmap(g->mem, memsz);
	close(g->memfd);
	close(g->kick);
	close(g->call);
}

/* Build a session payload in QEMU's layout of the given size. */
static void session_payload(uint8_t *pl, uint32_t size, uint32_t alg,
			    uint32_t keylen, const uint8_t *key, uint8_t dir)
{
	uint8_t op = VIRTIO_CRYPTO_SYM_OP_CIPHER;

	memset(pl, 0, size);
	if (size == VU_SESSION_SIZE_8) {
		uint64_t opc = VIRTIO_CRYPTO_CIPHER_CREATE_SESSION;

		memcpy(pl, &opc, 8);
	}
	memcpy(pl + VU_SESSION_CIPHER_ALG, &alg, 4);
	memcpy(pl + VU_SESSION_KEY_LEN, &keylen, 4);
	pl[VU_SESSION_OP_TYPE] = op;
	pl[VU_SESSION_DIRECTION] = dir;
	memcpy(pl + VU_SESSION_KEY, key, keylen > 64 ? 64 : keylen);
}

/* Create a session; returns the id from the reply (negative: refused). */
static int64_t create(int fd, uint8_t *pl, uint32_t size)
{
	struct vu_msg m;
	int64_t id;

	if (send_msg(fd, VU_CREATE_CRYPTO_SESSION, VU_VERSION, pl, size, NULL, 0) ||
	    recv_reply(fd, &m) != (int)size || m.request != VU_CREATE_CRYPTO_SESSION ||
	    m.flags != (VU_VERSION | VU_FLAG_REPLY))
		return INT64_MIN;
	memcpy(&id, m.payload + (size == VU_SESSION_SIZE_8 ? VU_SESSION_ID_OFF_8 : 0), 8);
	return id;
}


/* A cipher request's 72-byte header: one 16-byte IV, src = dst = len. */
static void put_header(uint8_t *h, uint32_t opcode, uint64_t session,
		       uint32_t len)
{
	uint32_t op = VIRTIO_CRYPTO_SYM_OP_CIPHER, ivlen = 16;

	memset(h, 0, 72);
	memcpy(h, &opcode, 4);
	memcpy(h + 8, &session, 8);
	memcpy(h + 24, &ivlen, 4);
	memcpy(h + 28, &len, 4);
	memcpy(h + 32, &len, 4);
	memcpy(h + 64, &op, 4);
}

/* Descriptors d..d+4 (header, IV, src; dst, status) at guest offsets
 * addrs, made available as one chain. */
static void post_chain(struct guest *g, unsigned int d, const uint64_t *addrs,
		       const uint32_t *lens)
{
	unsigned int i;

	for (i = 0; i < 5; i++) {
		g->desc[d + i].addr = GPA + addrs[i];
		g->desc[d + i].len = lens[i];
		g->desc[d + i].flags = (i >= 3 ? VRING_DESC_F_WRITE : 0) |
				       (i < 4 ? VRING_DESC_F_NEXT : 0);
		g->desc[d + i].next = (uint16_t)(d + i + 1);
	}
	g->avail->ring[g->avail->idx % NUM] = (uint16_t)d;
	__atomic_store_n(&g->avail->idx, g->avail->idx + 1, __ATOMIC_RELEASE);
}

/* Lay out one cipher request in slot k (descriptors 5k..5k+4). */
static void put_request(struct guest *g, unsigned int k, uint32_t opcode,
			uint64_t session, const uint8_t *iv, const uint8_t *src,
			uint32_t len)
{
	uint64_t base = 0x10000 + 0x1000ull * k;
	uint64_t addrs[5] = { base, base + 0x100, base + 0x200, base + 0x400, base + 0x600 };
	uint32_t lens[5] = { 72, 16, len, len, 1 };

	memset(g->mem + base, 0, 0x800);
	put_header(g->mem + base, opcode, session, len);
	memcpy(g->mem + base + 0x100, iv, 16);
	memcpy(g->mem + base + 0x200, src, len);
	memset(g->mem + base + 0x400, 0xaa, len);
	g->mem[base + 0x600] = 0xee;
	post_chain(g, 5 * k, addrs, lens);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Kick, then spin until used->idx reaches want (a polling driver). */
static int kick_and_spin(struct guest *g, uint16_t want)
{
	uint64_t one = 1;
	double limit = now() + HANG_MS / 1000.0;

	if (write(g->kick, &one, 8) != 8)
		return -1;
	while (__atomic_load_n(&g->used->idx, __ATOMIC_ACQUIRE) != want)
		if (now() > limit)
			return -1;
	return 0;
}

/* Kick, then wait for the call eventfd until used->idx reaches want. */
static int kick_and_wait(struct guest *g, uint16_t want)
{
	uint64_t one = 1, n;

	if (write(g->kick, &one, 8) != 8)
		return -1;
	while (__atomic_load_n(&g->used->idx, __ATOMIC_ACQUIRE) != want) {
		struct pollfd p = { g->call, POLLIN, 0 };

		if (poll(&p, 1, HANG_MS) != 1)
			return -1;
		if (read(g->call, &n, 8) != 8)
			return -1;
	}
	return 0;
}

/* ---- cases ---- */

static int c_features(void)
{
	uint64_t f, p;
	int fd = xconnect();

	REQUIRE(current, fd >= 0, "connect");
	REQUIRE(current, get_u64(fd, VU_GET_FEATURES, &f) == 0, "GET_FEATURES");
	REQUIRE(current, f == ((1ull << 29) | (1ull << 30) | (1ull << 32)), "features %#llx",
		(unsigned long long)f);
	REQUIRE(current, get_u64(fd, VU_GET_PROTOCOL_FEATURES, &p) == 0, "GET_PROTOCOL_FEATURES");
	REQUIRE(current, p & (1ull << 7), "no CRYPTO_SESSION in %#llx", (unsigned long long)p);
	REQUIRE(current, p & (1ull << 3), "no REPLY_ACK in %#llx", (unsigned long long)p);
	REQUIRE(current, set_u64(fd, VU_SET_PROTOCOL_FEATURES, p) == 0, "SET_PROTOCOL_FEATURES");
	REQUIRE(current, acked(fd, VU_SET_OWNER, NULL, 0, NULL, 0) == 0, "SET_OWNER ack");
	f = 1ull << 32;
	REQUIRE(current, acked(fd, VU_SET_FEATURES, &f, 8, NULL, 0) == 0, "SET_FEATURES ack");
	/* a feature never offered closes the connection */
	f = 1ull << 28;
	REQUIRE(current, set_u64(fd, VU_SET_FEATURES, f) == 0, "send");
	REQUIRE(current, closed_by_peer(fd), "unoffered feature accepted");
	close(fd);
	return alive_no_leak();
}

static int c_sessions(void)
{
	static const struct { uint32_t size, alg, keylen; int ok; } v[] = {
		{ 632, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, 1 },
		{ 632, VIRTIO_CRYPTO_CIPHER_AES_CBC, 24, 1 },
		{ 632, VIRTIO_CRYPTO_CIPHER_AES_CTR, 32, 1 },
		{ 1072, VIRTIO_CRYPTO_CIPHER_AES_ECB, 16, 1 },
		{ 1072, VIRTIO_CRYPTO_CIPHER_AES_CBC, 32, 1 },
		{ 632, VIRTIO_CRYPTO_CIPHER_AES_CBC, 17, 0 },
		{ 632, VIRTIO_CRYPTO_CIPHER_AES_CBC, 0, 0 },
		{ 632, VIRTIO_CRYPTO_CIPHER_AES_CBC, 64, 0 },
		{ 632, VIRTIO_CRYPTO_CIPHER_AES_CBC, 65, 0 },
		{ 1072, VIRTIO_CRYPTO_CIPHER_AES_CBC, 0xffffffffu, 0 },
		{ 632, VIRTIO_CRYPTO_CIPHER_AES_XTS, 32, 0 },
		{ 632, VIRTIO_CRYPTO_CIPHER_ARC4, 16, 0 },
	};
	uint8_t pl[VU_SESSION_SIZE_8], key[64];
	unsigned int i;
	int64_t id, ids[16];
	int fd = open_conn();

	REQUIRE(current, fd >= 0, "connect");
	memset(key, 0x42, sizeof(key));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		session_payload(pl, v[i].size, v[i].alg, v[i].keylen, key,
				VIRTIO_CRYPTO_OP_ENCRYPT);
		id = create(fd, pl, v[i].size);
		REQUIRE(current, id != INT64_MIN, "case %u: no reply of %u bytes", i, v[i].size);
		REQUIRE(current, (id >= 0) == v[i].ok, "case %u (size %u alg %u key %u): id %lld",
		      i, v[i].size, v[i].alg, v[i].keylen, (long long)id);
		ids[i] = id;
	}
	/* an asymmetric session in the 1072-byte layout is refused */
	session_payload(pl, 1072, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, key, 1);
	{
		uint64_t opc = VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION;

		memcpy(pl, &opc, 8);
	}
	REQUIRE(current, create(fd, pl, 1072) < 0 && create(fd, pl, 1072) != INT64_MIN, "akcipher");
	/* chaining with a too-long auth key */
	session_payload(pl, 632, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, key, 1);
	pl[VU_SESSION_OP_TYPE] = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	pl[VU_SESSION_HASH_MODE] = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
	pl[VU_SESSION_CHAIN_ORDER] = 2;
	{
		uint32_t h = VIRTIO_CRYPTO_MAC_HMAC_SHA_256, hl = 32, akl = 513;

		memcpy(pl + VU_SESSION_HASH_ALG, &h, 4);
		memcpy(pl + VU_SESSION_HASH_RESULT_LEN, &hl, 4);
		memcpy(pl + VU_SESSION_AUTH_KEY_LEN, &akl, 4);
		id = create(fd, pl, 632);
		REQUIRE(current, id < 0 && id != INT64_MIN, "auth key 513 accepted");
		akl = 64;
		memcpy(pl + VU_SESSION_AUTH_KEY_LEN, &akl, 4);
		id = create(fd, pl, 632);
		REQUIRE(current, id >= 0, "HMAC-SHA256 chaining session refused");
	}
	/* close: known ids ack 0, unknown ack nonzero */
	REQUIRE(current, acked(fd, VU_CLOSE_CRYPTO_SESSION, &ids[0], 8, NULL, 0) == 0, "close");
	REQUIRE(current, acked(fd, VU_CLOSE_CRYPTO_SESSION, &ids[0], 8, NULL, 0) > 0, "double close");
	id = 0x7777777;
	REQUIRE(current, acked(fd, VU_CLOSE_CRYPTO_SESSION, &id, 8, NULL, 0) > 0, "unknown close");
	/* a session payload of any other size closes the connection */
	REQUIRE(current, send_msg(fd, VU_CREATE_CRYPTO_SESSION, VU_VERSION, pl, 600, NULL, 0) == 0, "send");
	REQUIRE(current, closed_by_peer(fd), "600-byte session accepted");
	close(fd);
	return alive_no_leak();
}

/* A guest that makes QEMU create bad sessions and close unknown ones in a
 * loop gets its answers, but cannot flood vcryptod's log. */
static int c_log_flood(void)
{
	uint8_t pl[VU_SESSION_SIZE_7], key[64] = { 0 };
	unsigned int i, lines, disc;
	uint64_t id;
	int fd = open_conn();

	REQUIRE(current, fd >= 0, "connect");
	pthread_mutex_lock(&log_lock);
	lines = guest_lines;
	disc = disconnects;
	pthread_mutex_unlock(&log_lock);
	session_payload(pl, sizeof(pl), VIRTIO_CRYPTO_CIPHER_AES_CBC, 17, key,
			VIRTIO_CRYPTO_OP_ENCRYPT);
	for (i = 0; i < 500; i++) {
		REQUIRE(current, create(fd, pl, sizeof(pl)) == -EINVAL, "bad session %u", i);
		id = 0x5555000 + i;
		REQUIRE(current, acked(fd, VU_CLOSE_CRYPTO_SESSION, &id, 8, NULL, 0) > 0,
		      "close of unknown session %u", i);
	}
	close(fd);
	REQUIRE(current, wait_disconnects(disc) == 0, "no disconnection logged");
	pthread_mutex_lock(&log_lock);
	lines = guest_lines - lines;
	pthread_mutex_unlock(&log_lock);
	REQUIRE(current, lines <= 4 * (LOG_LIMIT_LINES + 1), "%u log lines for 1000 bad "
	      "requests", lines);
	return alive_no_leak();
}

/* A guest that resets its device in a loop makes QEMU stop and start the
 * ring each time: every stop answered, the log bounded. */
static int c_ring_restart_flood(void)
{
	unsigned int i, lines, disc;
	struct vu_msg m;
	uint32_t st[2] = { 0, 0 };
	struct guest g;
	uint64_t v = 0;
	int fd = open_conn(), kick;

	REQUIRE(current, fd >= 0 && guest_setup(fd, &g) == 0, "setup");
	pthread_mutex_lock(&log_lock);
	lines = ring_lines;
	disc = disconnects;
	pthread_mutex_unlock(&log_lock);
	for (i = 0; i < 200; i++) {
		REQUIRE(current, send_msg(fd, VU_GET_VRING_BASE, VU_VERSION, st, 8, NULL, 0) == 0 &&
		      recv_reply(fd, &m) == 8 && m.request == VU_GET_VRING_BASE,
		      "GET_VRING_BASE %u", i);
		kick = eventfd(0, EFD_CLOEXEC);
		REQUIRE(current, acked(fd, VU_SET_VRING_KICK, &v, 8, &kick, 1) == 0,
		      "SET_VRING_KICK %u", i);
		close(kick);
	}
	close(fd);
	guest_free(&g);
	REQUIRE(current, wait_disconnects(disc) == 0, "no disconnection logged");
	pthread_mutex_lock(&log_lock);
	lines = ring_lines - lines;
	pthread_mutex_unlock(&log_lock);
	REQUIRE(current, lines <= 2 * (LOG_LIMIT_LINES + 1), "%u log lines for 200 ring "
	      "restarts", lines);
	return alive_no_leak();
}

/* Each of these messages must make vcryptod close the connection. */
static int c_malformed(void)
{
	uint8_t pl[2048] = { 0 };
	int p[2], fds[10], i, fd;
	struct {
		const char *what;
		uint32_t req, flags, size;
		int nfds;
		int raw_size;	/* header claims this size, no payload sent */
	} v[] = {
		{ "GET_FEATURES with 3 bytes", VU_GET_FEATURES, 1, 3, 0, 0 },
		{ "header claims 5000 bytes", VU_SET_OWNER, 1, 0, 0, 5000 },
		{ "version 2", VU_GET_FEATURES, 2, 0, 0, 0 },
		{ "version 0", VU_GET_FEATURES, 0, 0, 0, 0 },
		{ "REPLY flag on a request", VU_GET_FEATURES, 5, 0, 0, 0 },
		{ "SET_OWNER with an fd", VU_SET_OWNER, 1, 0, 1, 0 },
		{ "GET_FEATURES with 2 fds", VU_GET_FEATURES, 1, 0, 2, 0 },
		{ "SET_MEM_TABLE with 9 fds", VU_SET_MEM_TABLE, 1, 8 + 32, 9, 0 },
		{ "SET_MEM_TABLE of 0 regions", VU_SET_MEM_TABLE, 1, 8, 0, 0 },
		{ "SET_MEM_TABLE of 9 regions", VU_SET_MEM_TABLE, 1, 8 + 9 * 32, 9, 0 },
		{ "SET_MEM_TABLE size mismatch", VU_SET_MEM_TABLE, 1, 8 + 40, 1, 0 },
		{ "SET_MEM_TABLE 1 region 2 fds", VU_SET_MEM_TABLE, 1, 8 + 32, 2, 0 },
		{ "SET_MEM_TABLE 1 region no fd", VU_SET_MEM_TABLE, 1, 8 + 32, 0, 0 },
		{ "SET_VRING_NUM 1000", VU_SET_VRING_NUM, 1, 8, 0, 0 },
		{ "SET_VRING_NUM 65536", VU_SET_VRING_NUM, 1, 8, 0, 0 },
		{ "SET_VRING_NUM 0", VU_SET_VRING_NUM, 1, 8, 0, 0 },
		{ "SET_VRING_NUM queue 1", VU_SET_VRING_NUM, 1, 8, 0, 0 },
		{ "SET_VRING_NUM 4 bytes", VU_SET_VRING_NUM, 1, 4, 0, 0 },
		{ "SET_VRING_BASE 70000", VU_SET_VRING_BASE, 1, 8, 0, 0 },
		{ "SET_VRING_ADDR 32 bytes", VU_SET_VRING_ADDR, 1, 32, 0, 0 },
		{ "SET_VRING_ADDR queue 3", VU_SET_VRING_ADDR, 1, 40, 0, 0 },
		{ "SET_VRING_KICK queue 1", VU_SET_VRING_KICK, 1, 8, 1, 0 },
		{ "SET_VRING_KICK NOFD with an fd", VU_SET_VRING_KICK, 1, 8, 1, 0 },
		{ "SET_VRING_CALL without its fd", VU_SET_VRING_CALL, 1, 8, 0, 0 },
		{ "SET_VRING_CALL unknown bits", VU_SET_VRING_CALL, 1, 8, 1, 0 },
		{ "GET_VRING_BASE 0 bytes", VU_GET_VRING_BASE, 1, 0, 0, 0 },
		{ "CLOSE_CRYPTO_SESSION 4 bytes", VU_CLOSE_CRYPTO_SESSION, 1, 4, 0, 0 },
		{ "CREATE_CRYPTO_SESSION 1071 bytes", VU_CREATE_CRYPTO_SESSION, 1, 1071, 0, 0 },
		{ "unknown request 99", 99, 1, 0, 0, 0 },
		{ "request 0", 0, 1, 0, 0, 0 },
	};

	for (i = 0; i < (int)(sizeof(v) / sizeof(v[0])); i++) {
		uint32_t a = 0, b = 0;
		uint64_t u = 0;
		int n;

		current = v[i].what;
		memset(pl, 0, sizeof(pl));
		if (strstr(v[i].what, "9 regions"))
			a = 9;
		else if (strstr(v[i].what, "SET_MEM_TABLE") && !strstr(v[i].what, "0 regions"))
			a = 1;
		if (strstr(v[i].what, "NUM 1000"))
			b = 1000;
		if (strstr(v[i].what, "65536"))
			b = 65536;
		if (strstr(v[i].what, "queue 1") && v[i].req == VU_SET_VRING_NUM)
			a = 1, b = 64;
		if (strstr(v[i].what, "70000"))
			b = 70000;
		if (strstr(v[i].what, "queue 3"))
			a = 3;
		memcpy(pl, &a, 4);
		memcpy(pl + 4, &b, 4);
		if (v[i].req == VU_SET_VRING_KICK || v[i].req == VU_SET_VRING_CALL) {
			u = strstr(v[i].what, "queue 1") ? 1 :
			    strstr(v[i].what, "NOFD") ? VU_VRING_NOFD :
			    strstr(v[i].what, "unknown bits") ? 1ull << 20 : 0;
			memcpy(pl, &u, 8);
		}
		if (pipe2(p, O_CLOEXEC))
			return 1;
		for (n = 0; n < v[i].nfds; n++)
			fds[n] = p[1];
		fd = open_conn();
		REQUIRE(current, fd >= 0, "connect");
		if (v[i].raw_size) {
			uint32_t h[3] = { v[i].req, v[i].flags, (uint32_t)v[i].raw_size };

			REQUIRE(current, write(fd, h, 12) == 12, "send");
		} else {
			REQUIRE(current, send_msg(fd, v[i].req, v[i].flags, pl, v[i].size, fds,
				       v[i].nfds) == 0, "send");
		}
		close(p[1]);
		n = closed_by_peer(fd);
		close(fd);
		/* Every copy of the pipe's write end is gone: vcryptod closed it. */
		{
			char c;
			struct pollfd pf = { p[0], POLLIN, 0 };
			int r = poll(&pf, 1, 0);

			REQUIRE(current, r == 1 && read(p[0], &c, 1) == 0,
			      "vcryptod kept an fd it was sent");
		}
		close(p[0]);
		REQUIRE(current, n, "the connection stayed open");
		if (alive_no_leak()) {
			report(false, v[i].what, "after it");
			return 1;
		}
	}
	current = "malformed messages";
	return 0;
}

/* Failures vcryptod can report with REPLY_ACK: the connection stays. */
static int c_acked_failures(void)
{
	uint8_t pl[8 + 2 * 32] = { 0 };
	int64_t ack;
	int fd = open_conn(), memfd = memfd_create("m", MFD_CLOEXEC), two[2];
	uint32_t st[2] = { 0, NUM };
	uint64_t f, v;

	REQUIRE(current, fd >= 0 && memfd >= 0 && ftruncate(memfd, MEMSZ) == 0, "setup");
	two[0] = two[1] = memfd;
	/* overlapping regions */
	pl[0] = 2;
	region(pl + 8, GPA, MEMSZ / 2, UADDR, 0);
	region(pl + 40, GPA + 4096, MEMSZ / 2, UADDR + MEMSZ, MEMSZ / 2);
	ack = acked(fd, VU_SET_MEM_TABLE, pl, 8 + 64, two, 2);
	REQUIRE(current, ack > 0, "overlapping gpa ranges: ack %lld", (long long)ack);
	region(pl + 40, GPA + MEMSZ, MEMSZ / 2, UADDR + 4096, MEMSZ / 2);
	ack = acked(fd, VU_SET_MEM_TABLE, pl, 8 + 64, two, 2);
	REQUIRE(current, ack > 0, "overlapping uaddr ranges: ack %lld", (long long)ack);
	/* larger than the file behind it */
	pl[0] = 1;
	region(pl + 8, GPA, 2 * MEMSZ, UADDR, 0);
	ack = acked(fd, VU_SET_MEM_TABLE, pl, 8 + 32, &memfd, 1);
	REQUIRE(current, ack > 0, "region past the end of the file: ack %lld", (long long)ack);
	/* offset + size overflowing 64 bits, gpa wrapping, empty */
	region(pl + 8, GPA, MEMSZ, UADDR, 0xfffffffffffff000ull);
	REQUIRE(current, acked(fd, VU_SET_MEM_TABLE, pl, 40, &memfd, 1) > 0, "offset overflow");
	region(pl + 8, 0xfffffffffff00000ull, MEMSZ, UADDR, 0);
	REQUIRE(current, acked(fd, VU_SET_MEM_TABLE, pl, 40, &memfd, 1) > 0, "gpa wraps");
	region(pl + 8, GPA, 0, UADDR, 0);
	REQUIRE(current, acked(fd, VU_SET_MEM_TABLE, pl, 40, &memfd, 1) > 0, "empty region");
	/* a good one, then a ring outside it */
	region(pl + 8, GPA, MEMSZ, UADDR, 0);
	REQUIRE(current, acked(fd, VU_SET_MEM_TABLE, pl, 40, &memfd, 1) == 0, "good table");
	REQUIRE(current, acked(fd, VU_SET_VRING_NUM, st, 8, NULL, 0) == 0, "num");
	{
		uint8_t addr[40] = { 0 };

		v = UADDR + MEMSZ - 0x100;	/* desc table of 64 entries: 1 KiB */
		memcpy(addr + 8, &v, 8);
		v = UADDR + 0x2000;
		memcpy(addr + 16, &v, 8);
		v = UADDR + 0x1000;
		memcpy(addr + 24, &v, 8);
		REQUIRE(current, acked(fd, VU_SET_VRING_ADDR, addr, 40, NULL, 0) == 0, "addr");
		v = 0;
		REQUIRE(current, acked(fd, VU_SET_VRING_KICK, &v, 8, &memfd, 1) > 0,
		      "ring outside memory started");
		v = 1;	/* dirty logging is not offered */
		memcpy(addr + 4, &v, 4);
		REQUIRE(current, acked(fd, VU_SET_VRING_ADDR, addr, 40, NULL, 0) > 0, "log flag");
	}
	/* unknown requests */
	REQUIRE(current, acked(fd, 99, NULL, 0, NULL, 0) > 0, "request 99");
	REQUIRE(current, acked(fd, VU_SET_LOG_BASE, NULL, 0, NULL, 0) > 0, "SET_LOG_BASE");
	REQUIRE(current, get_u64(fd, VU_GET_FEATURES, &f) == 0, "still serving");
	close(fd);
	close(memfd);
	return alive_no_leak();
}

static int c_truncated(void)
{
	uint32_t h[4] = { VU_SET_FEATURES, 1, 8, 0 };
	int fd = xconnect();

	REQUIRE(current, fd >= 0, "connect");
	REQUIRE(current, write(fd, h, 14) == 14, "send");	/* 2 of 8 payload bytes */
	shutdown(fd, SHUT_WR);
	REQUIRE(current, closed_by_peer(fd), "truncated payload");
	close(fd);
	fd = xconnect();
	REQUIRE(current, fd >= 0 && write(fd, h, 5) == 5, "send");	/* half a header */
	shutdown(fd, SHUT_WR);
	REQUIRE(current, closed_by_peer(fd), "truncated header");
	close(fd);
	return alive_no_leak();
}

static int c_data_path(void)
{
	uint8_t key[16], iv[16], pt[64], ct[64], pl[VU_SESSION_SIZE_8];
	struct guest g;
	int64_t enc, dec;
	uint32_t st[2] = { 0, 0 };
	struct vu_msg m;
	uint16_t *avail_event;
	int fd = open_conn(), k;

	REQUIRE(current, fd >= 0, "connect");
	REQUIRE(current, guest_setup(fd, &g) == 0, "memory and ring setup");
	hex_decode("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof(key));
	hex_decode("000102030405060708090a0b0c0d0e0f", iv, sizeof(iv));
	hex_decode("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710", pt, sizeof(pt));
	hex_decode("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
	      "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7", ct, sizeof(ct));
	session_payload(pl, 632, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, key,
			VIRTIO_CRYPTO_OP_ENCRYPT);
	enc = create(fd, pl, 632);
	session_payload(pl, 1072, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, key,
			VIRTIO_CRYPTO_OP_DECRYPT);
	dec = create(fd, pl, 1072);
	REQUIRE(current, enc >= 0 && dec >= 0, "sessions %lld %lld", (long long)enc, (long long)dec);

	/* one request */
	put_request(&g, 0, VIRTIO_CRYPTO_CIPHER_ENCRYPT, (uint64_t)enc, iv, pt, 64);
	REQUIRE(current, kick_and_wait(&g, 1) == 0, "no completion");
	REQUIRE(current, g.used->ring[0].id == 0 && g.used->ring[0].len == 65, "used {%u, %u}",
	      g.used->ring[0].id, g.used->ring[0].len);
	REQUIRE(current, g.mem[0x10600] == VIRTIO_CRYPTO_OK, "status %u", g.mem[0x10600]);
	REQUIRE(current, !memcmp(g.mem + 0x10400, ct, 64), "ciphertext differs from SP 800-38A");
	avail_event = (uint16_t *)&g.used->ring[NUM];
	REQUIRE(current, *avail_event == 1, "avail_event %u", *avail_event);

	/* a batch: decrypt (1072-byte session), an unknown session, encrypt */
	put_request(&g, 1, VIRTIO_CRYPTO_CIPHER_DECRYPT, (uint64_t)dec, iv, ct, 64);
	put_request(&g, 2, VIRTIO_CRYPTO_CIPHER_ENCRYPT, 0x5555, iv, pt, 64);
	put_request(&g, 3, VIRTIO_CRYPTO_CIPHER_ENCRYPT, (uint64_t)enc, iv, pt, 32);
	REQUIRE(current, kick_and_wait(&g, 4) == 0, "no completion of the batch");
	for (k = 1; k < 4; k++) {
		unsigned int i, found = 0;

		for (i = 1; i < 4; i++)
			if (g.used->ring[i].id == 5u * k) {
				found = 1;
				REQUIRE(current, g.used->ring[i].len == (k == 2 ? 1u : k == 1 ? 65u : 33u),
				      "request %d used len %u", k, g.used->ring[i].len);
			}
		REQUIRE(current, found, "request %d not returned", k);
	}
	REQUIRE(current, g.mem[0x11600] == 0 && !memcmp(g.mem + 0x11400, pt, 64), "decrypt");
	REQUIRE(current, g.mem[0x12600] == VIRTIO_CRYPTO_INVSESS, "status %u", g.mem[0x12600]);
	REQUIRE(current, g.mem[0x13600] == 0 && !memcmp(g.mem + 0x13400, ct, 32), "32-byte encrypt");
	REQUIRE(current, *avail_event == 4, "avail_event %u", *avail_event);

	/* stop: GET_VRING_BASE reports where the ring stands */
	REQUIRE(current, send_msg(fd, VU_GET_VRING_BASE, VU_VERSION, st, 8, NULL, 0) == 0, "send");
	REQUIRE(current, recv_reply(fd, &m) == 8, "GET_VRING_BASE reply");
	memcpy(st, m.payload, 8);
	REQUIRE(current, st[0] == 0 && st[1] == 4, "vring base {%u, %u}", st[0], st[1]);
	close(fd);
	guest_free(&g);
	return alive_no_leak();
}

/* Writes of the call eventfd so far, once vcryptod is done with what it
 * served: a message's reply comes after the pass that served them. */
static int calls_so_far(int fd, struct guest *g, uint64_t *n)
{
	struct pollfd p = { g->call, POLLIN, 0 };
	uint64_t f;

	*n = 0;
	if (get_u64(fd, VU_GET_FEATURES, &f))
		return -1;
	if (poll(&p, 1, 0) == 1 && read(g->call, n, 8) != 8)
		return -1;
	return 0;
}

/*
 * Event suppression over the socket: with VRING_AVAIL_F_NO_INTERRUPT no
 * call; with EVENT_IDX negotiated (the flag then means nothing) the first
 * completion is signalled, one short of used_event is not, the one that
 * reaches it is.
 */
static int c_event_suppression(void)
{
	uint8_t key[16] = { 3 }, iv[16] = { 4 }, pt[64] = { 5 }, pl[VU_SESSION_SIZE_7];
	uint64_t f = (1ull << 29) | (1ull << 32), n;
	uint16_t *used_event;
	struct guest g;
	int64_t enc;
	int fd = open_conn(), k;

	REQUIRE(current, fd >= 0 && guest_setup(fd, &g) == 0, "setup");
	session_payload(pl, sizeof(pl), VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, key,
			VIRTIO_CRYPTO_OP_ENCRYPT);
	enc = create(fd, pl, sizeof(pl));
	REQUIRE(current, enc >= 0, "session");
	g.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	put_request(&g, 0, VIRTIO_CRYPTO_CIPHER_ENCRYPT, (uint64_t)enc, iv, pt, 64);
	REQUIRE(current, kick_and_spin(&g, 1) == 0, "no completion");
	REQUIRE(current, calls_so_far(fd, &g, &n) == 0 && n == 0,
		"%llu calls under NO_INTERRUPT", (unsigned long long)n);
	close(fd);
	guest_free(&g);

	fd = open_conn();
	REQUIRE(current, fd >= 0, "connect");
	REQUIRE(current, acked(fd, VU_SET_FEATURES, &f, 8, NULL, 0) == 0, "SET_FEATURES");
	REQUIRE(current, guest_setup(fd, &g) == 0, "setup");
	enc = create(fd, pl, sizeof(pl));
	REQUIRE(current, enc >= 0, "session");
	g.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	used_event = &g.avail->ring[NUM];
	put_request(&g, 0, VIRTIO_CRYPTO_CIPHER_ENCRYPT, (uint64_t)enc, iv, pt, 64);
	REQUIRE(current, kick_and_spin(&g, 1) == 0, "no completion");
	REQUIRE(current, calls_so_far(fd, &g, &n) == 0 && n == 1,
		"%llu calls for the first completion", (unsigned long long)n);
	*used_event = 2;	/* wake me when the second from here is there */
	for (k = 1; k < 3; k++) {
		put_request(&g, (unsigned int)k, VIRTIO_CRYPTO_CIPHER_ENCRYPT,
			    (uint64_t)enc, iv, pt, 64);
		REQUIRE(current, kick_and_spin(&g, (uint16_t)(k + 1)) == 0, "no completion");
	}
	REQUIRE(current, calls_so_far(fd, &g, &n) == 0 && n == 1,
		"%llu calls for two completions up to used_event", (unsigned long long)n);
	close(fd);
	guest_free(&g);
	return alive_no_leak();
}

/* The ring starts whatever order its pieces arrive in. */
/* A new memory table while requests are in flight: they finish on the old
 * mapping before it goes (ASan would see a use after unmap), all correct. */
static int c_mem_table_in_flight(void)
{
	uint8_t key[16], iv[16], pt[64], ct[64], pl[VU_SESSION_SIZE_7];
	uint32_t st[2] = { 0, 0 };
	struct vu_msg m;
	struct guest g;
	uint64_t one = 1;
	int64_t enc, ack;
	int fd = open_conn(), k;

	REQUIRE(current, fd >= 0 && guest_setup(fd, &g) == 0, "setup");
	hex_decode("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof(key));
	hex_decode("000102030405060708090a0b0c0d0e0f", iv, sizeof(iv));
	hex_decode("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710", pt, sizeof(pt));
	hex_decode("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
	      "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7", ct, sizeof(ct));
	session_payload(pl, sizeof(pl), VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, key,
			VIRTIO_CRYPTO_OP_ENCRYPT);
	enc = create(fd, pl, sizeof(pl));
	REQUIRE(current, enc >= 0, "session");
	for (k = 0; k < 12; k++)
		put_request(&g, (unsigned int)k, VIRTIO_CRYPTO_CIPHER_ENCRYPT,
			    (uint64_t)enc, iv, pt, 64);
	REQUIRE(current, write(g.kick, &one, 8) == 8, "kick");
	REQUIRE(current, mem_table(fd, g.memfd, &ack) == 0 && ack == 0, "SET_MEM_TABLE");
	REQUIRE(current, kick_and_wait(&g, 12) == 0, "not all completed");
	for (k = 0; k < 12; k++) {
		const uint8_t *b = g.mem + 0x10000 + 0x1000 * k;

		REQUIRE(current, b[0x600] == VIRTIO_CRYPTO_OK && !memcmp(b + 0x400, ct, 64),
		      "request %d: status %u or ciphertext wrong", k, b[0x600]);
	}
	REQUIRE(current, send_msg(fd, VU_GET_VRING_BASE, VU_VERSION, st, 8, NULL, 0) == 0 &&
	      recv_reply(fd, &m) == 8, "GET_VRING_BASE");
	memcpy(st, m.payload, 8);
	REQUIRE(current, st[1] == 12, "vring base %u", st[1]);
	close(fd);
	guest_free(&g);
	return alive_no_leak();
}

static int c_kick_first(void)
{
	uint8_t key[16], iv[16], pt[64], ct[64], pl[632];
	struct guest g;
	int64_t enc;
	int fd = open_conn();

	REQUIRE(current, fd >= 0 && guest_setup_order(fd, &g, 1) == 0, "setup, kick first");
	hex_decode("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof(key));
	hex_decode("000102030405060708090a0b0c0d0e0f", iv, sizeof(iv));
	hex_decode("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710", pt, sizeof(pt));
	hex_decode("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
	      "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7", ct, sizeof(ct));
	session_payload(pl, 632, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, key,
			VIRTIO_CRYPTO_OP_ENCRYPT);
	enc = create(fd, pl, 632);
	REQUIRE(current, enc >= 0, "session");
	put_request(&g, 0, VIRTIO_CRYPTO_CIPHER_ENCRYPT, (uint64_t)enc, iv, pt, 64);
	REQUIRE(current, kick_and_wait(&g, 1) == 0, "no completion");
	REQUIRE(current, g.mem[0x10600] == VIRTIO_CRYPTO_OK && !memcmp(g.mem + 0x10400, ct, 64),
	      "status %u or ciphertext wrong", g.mem[0x10600]);
	close(fd);
	guest_free(&g);
	return alive_no_leak();
}

/* QEMU after a virtqueue reset and a device reset: the ring is set up again,
 * new memory included, without GET_VRING_BASE. The old ring stops, the new
 * one serves. */
static int c_restart_without_stop(void)
{
	uint8_t key[16], iv[16], pt[64], ct[64], pl[632];
	struct guest g, g2;
	uint64_t f = 1ull << 32, one = 1;
	int64_t enc;
	int fd = open_conn();

	REQUIRE(current, fd >= 0 && guest_setup(fd, &g) == 0, "setup");
	hex_decode("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof(key));
	hex_decode("000102030405060708090a0b0c0d0e0f", iv, sizeof(iv));
	hex_decode("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710", pt, sizeof(pt));
	hex_decode("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
	      "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7", ct, sizeof(ct));
	session_payload(pl, 632, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, key,
			VIRTIO_CRYPTO_OP_ENCRYPT);
	enc = create(fd, pl, 632);
	REQUIRE(current, enc >= 0, "session");
	put_request(&g, 0, VIRTIO_CRYPTO_CIPHER_ENCRYPT, (uint64_t)enc, iv, pt, 64);
	REQUIRE(current, kick_and_wait(&g, 1) == 0, "no completion on the first ring");

	REQUIRE(current, acked(fd, VU_SET_FEATURES, &f, 8, NULL, 0) == 0, "SET_FEATURES ack");
	REQUIRE(current, guest_setup(fd, &g2) == 0, "the ring set up again, running");
	/* the old ring is stopped: a kick on it is not served */
	put_request(&g, 1, VIRTIO_CRYPTO_CIPHER_ENCRYPT, (uint64_t)enc, iv, pt, 64);
	REQUIRE(current, write(g.kick, &one, 8) == 8, "kick");
	put_request(&g2, 0, VIRTIO_CRYPTO_CIPHER_ENCRYPT, (uint64_t)enc, iv, pt, 64);
	REQUIRE(current, kick_and_wait(&g2, 1) == 0, "no completion on the new ring");
	REQUIRE(current, g2.mem[0x10600] == VIRTIO_CRYPTO_OK && !memcmp(g2.mem + 0x10400, ct, 64),
	      "status %u or ciphertext wrong", g2.mem[0x10600]);
	REQUIRE(current, g.used->idx == 1 && g.mem[0x11600] == 0xee, "the old ring was served");
	close(fd);
	guest_free(&g);
	guest_free(&g2);
	return alive_no_leak();
}

/* QEMU goes away with requests pending: vcryptod cleans up, serves the next. */
static int c_disconnect_midway(void)
{
	uint8_t key[16] = { 0 }, iv[16] = { 0 }, pt[64] = { 0 }, pl[632];
	struct guest g;
	int64_t enc;
	uint64_t one = 1;
	int fd = open_conn(), i;

	REQUIRE(current, fd >= 0 && guest_setup(fd, &g) == 0, "setup");
	session_payload(pl, 632, VIRTIO_CRYPTO_CIPHER_AES_CTR, 16, key, 1);
	enc = create(fd, pl, 632);
	REQUIRE(current, enc >= 0, "session");
	for (i = 0; i < 12; i++)
		put_request(&g, (unsigned int)i, VIRTIO_CRYPTO_CIPHER_ENCRYPT,
			    (uint64_t)enc, iv, pt, 64);
	REQUIRE(current, write(g.kick, &one, 8) == 8, "kick");
	close(fd);
	guest_free(&g);
	return alive_no_leak();
}

/* SET_VRING_ENABLE 0 holds the ring (a kick is not served), 1 resumes it
 * where it stood. */
static int c_vring_enable(void)
{
	uint8_t iv[16] = { 0 }, pt[16] = { 0 };
	uint32_t st[2] = { 0, 0 };
	uint64_t one = 1, f;
	struct guest g;
	int fd = open_conn();

	REQUIRE(current, fd >= 0 && guest_setup(fd, &g) == 0, "setup");
	REQUIRE(current, acked(fd, VU_SET_VRING_ENABLE, st, 8, NULL, 0) == 0, "disable");
	put_request(&g, 0, VIRTIO_CRYPTO_CIPHER_ENCRYPT, 0x12345, iv, pt, 16);
	REQUIRE(current, write(g.kick, &one, 8) == 8, "kick");
	REQUIRE(current, get_u64(fd, VU_GET_FEATURES, &f) == 0, "no answer");
	REQUIRE(current, g.used->idx == 0, "served while disabled");
	st[1] = 1;
	REQUIRE(current, acked(fd, VU_SET_VRING_ENABLE, st, 8, NULL, 0) == 0, "enable");
	REQUIRE(current, kick_and_wait(&g, 1) == 0, "not served after enable");
	REQUIRE(current, g.mem[0x10600] == VIRTIO_CRYPTO_INVSESS, "status %u", g.mem[0x10600]);
	st[1] = 2;
	REQUIRE(current, acked(fd, VU_SET_VRING_ENABLE, st, 8, NULL, 0) == -1 &&
	      closed_by_peer(fd), "enable 2 accepted");
	close(fd);
	guest_free(&g);
	return alive_no_leak();
}

/* A call fd that cannot take a write (an eventfd at its maximum count, a
 * full pipe nobody reads) must not block vcryptod: the request is still
 * served and messages still answered. */
static int c_call_fd_full(void)
{
	uint8_t iv[16] = { 0 }, pt[16] = { 0 }, buf[4096] = { 0 };
	uint64_t one = 1, f, v = 0, most = 0xfffffffffffffffeull;
	struct guest g;
	int fd = open_conn(), p[2], kind;

	REQUIRE(current, fd >= 0 && guest_setup(fd, &g) == 0, "setup");
	for (kind = 0; kind < 2; kind++) {
		if (kind == 0) {
			p[0] = p[1] = eventfd(0, EFD_CLOEXEC);
			REQUIRE(current, p[0] >= 0 && write(p[0], &most, 8) == 8, "eventfd");
		} else {
			REQUIRE(current, pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0, "pipe");
			while (write(p[1], buf, sizeof(buf)) > 0)
				;
			REQUIRE(current, fcntl(p[1], F_SETFL, 0) == 0, "fcntl");
		}
		REQUIRE(current, acked(fd, VU_SET_VRING_CALL, &v, 8, &p[1], 1) == 0,
		      "SET_VRING_CALL");
		put_request(&g, 0, VIRTIO_CRYPTO_CIPHER_ENCRYPT, 0x12345, iv, pt, 16);
		REQUIRE(current, write(g.kick, &one, 8) == 8, "kick");
		/* The kick was readable before this message came: served first. */
		REQUIRE(current, get_u64(fd, VU_GET_FEATURES, &f) == 0,
		      "%s: no answer after the request", kind ? "pipe" : "eventfd");
		REQUIRE(current, __atomic_load_n(&g.used->idx, __ATOMIC_ACQUIRE) == kind + 1,
		      "used index %u", g.used->idx);
		REQUIRE(current, g.mem[0x10600] == VIRTIO_CRYPTO_INVSESS, "status %u",
		      g.mem[0x10600]);
		g.mem[0x10600] = 0xee;
		close(p[0]);
		if (p[1] != p[0])
			close(p[1]);
	}
	close(fd);
	guest_free(&g);
	return alive_no_leak();
}

/* CPU time vcryptod has used so far, in clock ticks; -1 on error. */
static long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	/* Fields 14 and 15 (utime, stime) follow "(comm) state" and 10 more. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

/* A kick fd that is no eventfd and hangs up for good (a pipe whose writer
 * closed) must not make vcryptod spin; a new kick fd serves again. */
static int c_dead_kick(void)
{
	uint8_t iv[16] = { 0 }, pt[16] = { 0 };
	long hz = sysconf(_SC_CLK_TCK), before, used;
	uint64_t v = 0, f;
	struct pollfd pf;
	struct guest g;
	int fd = open_conn(), p[2];

	REQUIRE(current, fd >= 0 && guest_setup(fd, &g) == 0, "setup");
	REQUIRE(current, pipe2(p, O_CLOEXEC) == 0, "pipe");
	REQUIRE(current, acked(fd, VU_SET_VRING_KICK, &v, 8, &p[0], 1) == 0, "SET_VRING_KICK");
	close(p[0]);
	close(p[1]);
	REQUIRE(current, get_u64(fd, VU_GET_FEATURES, &f) == 0, "no answer");
	before = cpu_ticks(vcd_pid);
	/* One second in which nothing should happen: the call fd stays quiet. */
	pf.fd = g.call;
	pf.events = POLLIN;
	REQUIRE(current, poll(&pf, 1, 1000) == 0, "a completion out of nowhere");
	used = cpu_ticks(vcd_pid) - before;
	REQUIRE(current, before >= 0 && used * 10 < hz * 3, "vcryptod used %ld of %ld ticks "
	      "in one idle second", used, hz);
	REQUIRE(current, acked(fd, VU_SET_VRING_KICK, &v, 8, &g.kick, 1) == 0, "new kick fd");
	put_request(&g, 0, VIRTIO_CRYPTO_CIPHER_ENCRYPT, 0x12345, iv, pt, 16);
	REQUIRE(current, kick_and_wait(&g, 1) == 0, "not served after a new kick fd");
	REQUIRE(current, g.mem[0x10600] == VIRTIO_CRYPTO_INVSESS, "status %u", g.mem[0x10600]);
	close(fd);
	guest_free(&g);
	return alive_no_leak();
}

/*
 * Adaptive polling (the default) stops when requests stop: a stream of
 * requests, one at a time, grows the window to its cap; then 10 s with none
 * must cost vcryptod at most 1 % of a CPU (0.1 s; it sleeps in poll(), so
 * it uses ~0, and a window that never shrank would spin for all 10 s).
 * The stream's results are checked against SP 800-38A's F.2.1.
 */
static int c_idle_after_burst(void)
{
	static const char *key = "2b7e151628aed2a6abf7158809cf4f3c",
		*iv = "000102030405060708090a0b0c0d0e0f",
		*pt = "6bc1bee22e409f96e93d7e117393172a",
		*ct = "7649abac8119b246cee98e9b12e9197d";
	uint8_t k[16], v[16], p[16], c[16], pl[VU_SESSION_SIZE_7];
	long hz = sysconf(_SC_CLK_TCK), before, used;
	struct pollfd pf;
	struct guest g;
	int fd = open_conn(), i;
	int64_t s;

	REQUIRE(current, fd >= 0 && guest_setup(fd, &g) == 0, "setup");
	hex_decode(key, k, 16);
	hex_decode(iv, v, 16);
	hex_decode(pt, p, 16);
	hex_decode(ct, c, 16);
	session_payload(pl, sizeof(pl), VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, k,
			VIRTIO_CRYPTO_OP_ENCRYPT);
	s = create(fd, pl, sizeof(pl));
	REQUIRE(current, s >= 0, "session");
	for (i = 0; i < 2000; i++) {
		put_request(&g, (unsigned int)i % 4, VIRTIO_CRYPTO_CIPHER_ENCRYPT,
			    (uint64_t)s, v, p, 16);
		REQUIRE(current, kick_and_wait(&g, g.avail->idx) == 0, "request %d not served", i);
		REQUIRE(current, g.mem[0x10600 + 0x1000 * (i % 4)] == VIRTIO_CRYPTO_OK &&
		      !memcmp(g.mem + 0x10400 + 0x1000 * (i % 4), c, 16),
		      "request %d: wrong result (status %u)", i,
		      g.mem[0x10600 + 0x1000 * (i % 4)]);
	}
	before = cpu_ticks(vcd_pid);
	pf.fd = g.call;
	pf.events = POLLIN;
	i = poll(&pf, 1, 10000);
	used = cpu_ticks(vcd_pid) - before;
	/* Closed first: a failure must not keep the next cases out. */
	close(fd);
	guest_free(&g);
	REQUIRE(current, i == 0, "a completion out of nowhere");
	REQUIRE(current, before >= 0 && used * 100 <= hz * 10, "vcryptod used %ld ticks "
	      "(%ld a second) in 10 idle seconds", used, hz);
	return alive_no_leak();
}

/* The front-end shrinks guest memory's file under a running ring: the
 * request touching the lost pages must not kill vcryptod (SIGBUS); the
 * connection goes, the next one is served. */
static int c_memfd_shrunk(void)
{
	uint8_t iv[16] = { 0 }, pt[64] = { 0 };
	uint64_t one = 1;
	struct guest g;
	int fd = open_conn();

	REQUIRE(current, fd >= 0 && guest_setup(fd, &g) == 0, "setup");
	put_request(&g, 0, VIRTIO_CRYPTO_CIPHER_ENCRYPT, 0x12345, iv, pt, 64);
	/* The ring stays; the request's header and data go. */
	REQUIRE(current, ftruncate(g.memfd, 0x10000) == 0, "ftruncate");
	REQUIRE(current, write(g.kick, &one, 8) == 8, "kick");
	REQUIRE(current, closed_by_peer(fd), "the connection stayed open");
	close(fd);
	guest_free(&g);
	return alive_no_leak();
}

static int c_signals(void)
{
	int status;

	REQUIRE(current, kill(vcd_pid, SIGUSR1) == 0, "kill");
	REQUIRE(current, wait_line("counters (SIGUSR1)") == 0, "no counters on SIGUSR1");
	REQUIRE(current, alive_no_leak() == 0, "not serving after SIGUSR1");
	REQUIRE(current, kill(vcd_pid, SIGTERM) == 0, "kill");
	REQUIRE(current, waitpid(vcd_pid, &status, 0) == vcd_pid, "waitpid");
	vcd_pid = -1;
	REQUIRE(current, WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %#x", status);
	REQUIRE(current, wait_line("counters (exit)") == 0, "no counters at exit");
	REQUIRE(current, access(sock_path, F_OK) != 0, "socket left behind");
	return 0;
}

/* A vcryptod of its own on a connected socket (--fd); its pid, or -1. */
static pid_t spawn_fd_mode(int *fd)
{
	char *argv[] = { (char *)vcryptod, "--fd", "3", "--threads", "1", NULL };
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	pid = spawn(argv, sv[1]);
	close(sv[1]);
	*fd = sv[0];
	return pid;
}

static int c_fd_mode(void)
{
	uint64_t f;
	int fd, status;
	pid_t pid = spawn_fd_mode(&fd);

	REQUIRE(current, pid > 0, "spawn");
	REQUIRE(current, wait_line("serving fd 3") == 0, "no readiness line");
	REQUIRE(current, get_u64(fd, VU_GET_FEATURES, &f) == 0, "GET_FEATURES over --fd");
	close(fd);
	REQUIRE(current, waitpid(pid, &status, 0) == pid, "waitpid");
	REQUIRE(current, WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %#x", status);
	return 0;
}

/* Two fresh runs hand out different session ids: an id a guest kept from
 * before a restart names nothing of the next run. */
static int c_session_ids_per_run(void)
{
	uint8_t pl[VU_SESSION_SIZE_7], key[16] = { 0 };
	int64_t ids[2][4];
	int run, i, j, fd, status;
	pid_t pid;

	session_payload(pl, sizeof(pl), VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, key,
			VIRTIO_CRYPTO_OP_ENCRYPT);
	for (run = 0; run < 2; run++) {
		pid = spawn_fd_mode(&fd);
		REQUIRE(current, pid > 0 && wait_line("serving fd 3") == 0, "run %d: no start", run);
		for (i = 0; i < 4; i++) {
			ids[run][i] = create(fd, pl, sizeof(pl));
			REQUIRE(current, ids[run][i] > 0 && ids[run][i] < (1ll << 62),
			      "run %d: session id %lld", run, (long long)ids[run][i]);
		}
		close(fd);
		REQUIRE(current, waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0, "run %d: exit status %#x", run, status);
	}
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			REQUIRE(current, ids[0][i] != ids[1][j], "id %lld in both runs",
			      (long long)ids[0][i]);
	return 0;
}

/* Wait until the peer has read everything we sent on fd; 0 or -1. */
static int peer_has_read(int fd)
{
	struct timespec pause = { 0, 1000000 };
	int queued = 1, ms;

	for (ms = 0; ms < HANG_MS; ms++) {
		if (ioctl(fd, SIOCOUTQ, &queued) || queued == 0)
			break;
		nanosleep(&pause, NULL);
	}
	return queued == 0 ? 0 : -1;
}

/* A header whose payload never comes, then SIGTERM: vcryptod exits (0)
 * within seconds instead of waiting for the payload forever. */
static int c_stalled_message_sigterm(void)
{
	uint32_t h[3] = { VU_SET_FEATURES, VU_VERSION, 8 };
	struct pollfd pf = { .events = POLLIN };
	int fd, status;
	pid_t pid = spawn_fd_mode(&fd);

	REQUIRE(current, pid > 0 && wait_line("serving fd 3") == 0, "no start");
	REQUIRE(current, write(fd, h, sizeof(h)) == sizeof(h), "send");
	REQUIRE(current, peer_has_read(fd) == 0, "vcryptod did not read the header");
	pf.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	REQUIRE(current, pf.fd >= 0, "pidfd_open: %s", strerror(errno));
	REQUIRE(current, kill(pid, SIGTERM) == 0, "kill");
	if (poll(&pf, 1, 10000) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(pf.fd);
		close(fd);
		REQUIRE(current, 0, "still running 10 s after SIGTERM");
	}
	close(pf.fd);
	close(fd);
	REQUIRE(current, waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "exit status %#x", status);
	return 0;
}

/* ---- --bench: vcryptod's own cost per request, no guest involved ---- */

/* Bench layout: request k's header, IV and status at 0x10000 + 0x200 k,
 * one source for all at BENCH_SRC, its own destination at BENCH_DST. */
#define BENCH_MEMSZ	(4u << 20)
#define BENCH_MAX_LEN	0x20000u
#define BENCH_MAX_DEPTH	(NUM / 5)
#define BENCH_SRC	0x100000u
#define BENCH_DST(k)	(0x200000u + (k) * BENCH_MAX_LEN)

/* With --pieces P: request k's indirect table, its source and destination
 * cut into P-byte pieces BENCH_GAP bytes apart (as a guest's pinned pages
 * are scattered). */
#define BENCH_TABLE(k)	(0x380000u + (k) * 0x4000u)
#define BENCH_TABLE_MAX	(0x4000u / 16)
#define BENCH_GAP	64u

/* Request k (descriptors 5k..5k+4, or descriptor k with pieces) of len
 * bytes, made available. */
static void put_big(struct guest *g, unsigned int k, uint64_t session,
		    uint32_t len, uint32_t piece)
{
	uint64_t base = 0x10000 + 0x200ull * k;
	uint64_t addrs[5] = { base, base + 0x100, BENCH_SRC, BENCH_DST(k),
			      base + 0x1ff };
	uint32_t lens[5] = { 72, 16, len, len, 1 };
	struct vring_desc *t = (struct vring_desc *)(g->mem + BENCH_TABLE(k));
	unsigned int n = 0, side;
	uint32_t off;

	put_header(g->mem + base, 0, session, len);
	g->mem[base + 0x1ff] = 0xee;
	if (!piece) {
		post_chain(g, 5 * k, addrs, lens);
		return;
	}
	t[n++] = (struct vring_desc){ GPA + base, 72, VRING_DESC_F_NEXT, 1 };
	t[n++] = (struct vring_desc){ GPA + base + 0x100, 16, VRING_DESC_F_NEXT, 2 };
	for (side = 0; side < 2; side++)
		for (off = 0; off < len; off += piece, n++)
			t[n] = (struct vring_desc){
				GPA + addrs[2 + side] + off / piece * (piece + BENCH_GAP),
				len - off < piece ? len - off : piece,
				(uint16_t)(VRING_DESC_F_NEXT |
					   (side ? VRING_DESC_F_WRITE : 0)),
				(uint16_t)(n + 1) };
	t[n++] = (struct vring_desc){ GPA + base + 0x1ff, 1, VRING_DESC_F_WRITE, 0 };
	g->desc[k] = (struct vring_desc){ GPA + BENCH_TABLE(k), 16 * n,
					  VRING_DESC_F_INDIRECT, 0 };
	g->avail->ring[g->avail->idx % NUM] = (uint16_t)k;
	__atomic_store_n(&g->avail->idx, g->avail->idx + 1, __ATOMIC_RELEASE);
}

/* CPU time of every thread of pid (ns, /proc/PID/task/T/schedstat). */
static double proc_cpu_ns(pid_t pid)
{
	char path[64];
	struct dirent *e;
	double ns = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		char p[64 + sizeof(e->d_name) + 16];
		unsigned long long t;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/schedstat", path, e->d_name);
		f = fopen(p, "r");
		if (f && fscanf(f, "%llu", &t) == 1)
			ns += (double)t;
		if (f)
			fclose(f);
	}
	closedir(dir);
	return ns;
}

static double self_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int bench(int argc, char **argv)
{
	unsigned int depth = 1;
	uint32_t piece = 0;
	int spin = 0;
	uint8_t key[16] = { 7 }, pl[632];
	struct guest g;
	char *args[4];
	double secs;
	int64_t enc;
	int fd, i;

	for (;;) {
		if (argc > 3 && !strcmp(argv[2], "--depth")) {
			depth = (unsigned int)atoi(argv[3]);
			argv += 2;
			argc -= 2;
		} else if (argc > 3 && !strcmp(argv[2], "--pieces")) {
			piece = (uint32_t)atoi(argv[3]);
			if (piece < 16 || piece % 16)
				return 2;
			argv += 2;
			argc -= 2;
		} else if (argc > 2 && !strcmp(argv[2], "--poll")) {
			spin = 1;
			argv++;
			argc--;
		} else {
			break;
		}
	}
	if (argc < 6 || depth < 1 || depth > BENCH_MAX_DEPTH)
		return 2;
	args[0] = argv[2];
	args[1] = "--socket-path";
	args[2] = argv[3];
	args[3] = NULL;
	secs = atof(argv[4]);
	vcryptod = argv[2];
	sock_path = argv[3];
	memsz = BENCH_MEMSZ;
	vcd_pid = spawn(args, -1);
	if (vcd_pid < 0 || wait_line("listening on") || (fd = open_conn()) < 0 ||
	    guest_setup(fd, &g)) {
		fprintf(stderr, "vhost-client --bench: cannot set up vcryptod\n");
		return 1;
	}
	if (spin)
		g.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	session_payload(pl, 632, VIRTIO_CRYPTO_CIPHER_AES_CBC, 16, key,
			VIRTIO_CRYPTO_OP_ENCRYPT);
	enc = create(fd, pl, 632);
	for (i = 5; i < argc && enc >= 0; i++) {
		uint32_t len = (uint32_t)atoi(argv[i]);
		unsigned long ops = 0;
		double t0 = now(), t, vcd0 = proc_cpu_ns(vcd_pid), me0 = self_cpu_ns();
		double vcd, me;
		unsigned int k;

		if (len == 0 || len > BENCH_MAX_LEN || len % 16 ||
		    (piece && ((len + piece - 1) / piece * (piece + BENCH_GAP) >
			       BENCH_MAX_LEN ||
			       3 + 2 * ((len + piece - 1) / piece) > BENCH_TABLE_MAX)))
			return 2;
		do {
			for (k = 0; k < depth; k++)
				put_big(&g, k, (uint64_t)enc, len, piece);
			if ((spin ? kick_and_spin : kick_and_wait)(&g, g.avail->idx)) {
				fprintf(stderr, "vhost-client --bench: no completion\n");
				return 1;
			}
			for (k = 0; k < depth; k++)
				if (g.mem[0x10000 + 0x200 * k + 0x1ff] != 0) {
					fprintf(stderr, "vhost-client --bench: request failed\n");
					return 1;
				}
			ops += depth;
			t = now() - t0;
		} while (t < secs);
		vcd = proc_cpu_ns(vcd_pid) - vcd0;
		me = self_cpu_ns() - me0;
		printf("backend %u %.0f %.2f %.1f %.1f %.1f\n", len, ops / t,
		       ops * (double)len / t / 1e6, t / ops * 1e6, vcd / ops / 1e3,
		       me / ops / 1e3);
	}
	close(fd);
	guest_free(&g);
	kill(vcd_pid, SIGTERM);
	waitpid(vcd_pid, NULL, 0);
	return enc >= 0 ? 0 : 1;
}

static void vhost_case(const char *name, int (*fn)(void))
{
	current = name;
	report_case(name, fn() == 0);
}

int main(int argc, char **argv)
{
	char *args[] = { NULL, "--socket-path", NULL, "--threads", "2", "-v", NULL };

	if (argc >= 6 && !strcmp(argv[1], "--bench")) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		return bench(argc, argv);
	}
	if (argc != 3) {
		fprintf(stderr, "usage: vhost-client VCRYPTOD SOCKET-PATH\n"
			"       vhost-client --bench [--depth D] [--pieces P] [--poll] "
			"VCRYPTOD SOCKET-PATH SECONDS SIZE...\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	vcryptod = argv[1];
	sock_path = argv[2];
	args[0] = argv[1];
	args[2] = argv[2];
	vcd_pid = spawn(args, -1);
	if (vcd_pid < 0 || wait_line("listening on")) {
		report(false, "vcryptod starts", NULL);
		return 1;
	}
	current = "baseline";
	if (alive_no_leak()) {
		report(false, "vcryptod answers", NULL);
		return 1;
	}
	vhost_case("features and REPLY_ACK", c_features);
	vhost_case("sessions: 632 and 1072 bytes, key lengths, close", c_sessions);
	vhost_case("malformed messages close the connection, fds closed", c_malformed);
	vhost_case("bad sessions and unknown closes in a loop: rate-limited log",
	    c_log_flood);
	vhost_case("failures reported by REPLY_ACK (memory tables, ring, unknown)",
	    c_acked_failures);
	vhost_case("truncated messages", c_truncated);
	vhost_case("data path: SP 800-38A through shared memory, batch, vring base",
	    c_data_path);
	vhost_case("event suppression: NO_INTERRUPT, EVENT_IDX's used_event",
		   c_event_suppression);
	vhost_case("new memory table with requests in flight", c_mem_table_in_flight);
	vhost_case("ring fds before the memory table", c_kick_first);
	vhost_case("ring set up again without GET_VRING_BASE (after a queue reset)",
	    c_restart_without_stop);
	vhost_case("front-end disconnects with requests pending", c_disconnect_midway);
	vhost_case("a call fd that would block", c_call_fd_full);
	vhost_case("SET_VRING_ENABLE 0 holds the ring, 1 resumes it",
		   c_vring_enable);
	vhost_case("ring stopped and started in a loop: rate-limited log",
	    c_ring_restart_flood);
	vhost_case("a kick fd that hangs up for good: no spinning", c_dead_kick);
	vhost_case("adaptive polling: a burst, then 10 idle seconds cost <= 1 %",
		   c_idle_after_burst);
	vhost_case("guest memory's memfd shrunk under a running ring",
		   c_memfd_shrunk);
	vhost_case("SIGUSR1 counters, SIGTERM exits 0", c_signals);
	vhost_case("--fd with a connected socket", c_fd_mode);
	vhost_case("session ids differ between two runs", c_session_ids_per_run);
	vhost_case("SIGTERM while a message's payload is missing",
		   c_stalled_message_sigterm);
	if (vcd_pid > 0) {
		kill(vcd_pid, SIGTERM);
		waitpid(vcd_pid, NULL, 0);
	}
	return report_finish("vhost-client");
}
