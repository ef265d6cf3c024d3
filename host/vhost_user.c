#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_crypto.h>

#include "log.h"
#include "stats.h"
#include "vhost_user.h"

/* Outcome of a handler: go on (replying as the message asks), or close. */
enum { OK = 0, FAIL = 1, CLOSE = -1 };

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void close_fds(int *fds, unsigned int nfds)
{
	unsigned int i;

	for (i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* What a request's payload must look like, checked before its handler. */
enum vu_payload {
	PL_NONE,		/* empty */
	PL_NONE_OR_U64,		/* empty, or a u64 QEMU sends and we ignore */
	PL_U64,
	PL_STATE,		/* vhost_vring_state of queue 0 */
	PL_ADDR,		/* vhost_vring_addr of queue 0 */
	PL_FILE,		/* u64: queue 0, NOFD flag matching the fd count */
	PL_MEM_TABLE,		/* 8 + 32 bytes and one fd per region, 1..8 */
	PL_SESSION,		/* 632 or 1072 bytes */
	PL_ANY,			/* requests we do not know */
};

/*
 * The reply rule. OWN: the handler sends the request's own answer and can
 * only go on or close. ACK: with REPLY_ACK negotiated and NEED_REPLY set,
 * the outcome is acked (0 or 1); without, a failure closes the connection
 * (there is nowhere else to say it). ACK_OR_IGNORE: as ACK, but an unacked
 * failure is harmless and ignored.
 */
enum vu_reply { REPLY_OWN, REPLY_ACK, REPLY_ACK_OR_IGNORE };

/*
 * A handler: OK or FAIL (answered by the reply rule) or CLOSE. The message's
 * fds are c->fds[0 .. c->nfds): it sets those it keeps to -1, vu_handle()
 * closes the others.
 */
typedef int vu_handler(struct vu_conn *c, struct vu_msg *m);

struct vu_request_type {
	const char *name;
	enum vu_payload payload;
	unsigned int max_fds;
	enum vu_reply reply;
	vu_handler *handle;
};

static int protocol_error(const struct vu_msg *m, const char *why)
{
	vlog(LOG_WARN, "vhost-user %s (request %u, size %u): %s",
	     vu_request_name(m->request), m->request, m->size, why);
	stats_add(&g_stats.protocol_errors, 1);
	return CLOSE;
}

static int reply_u64(struct vu_conn *c, const struct vu_msg *m, uint64_t v)
{
	return vu_send_reply(c->fd, m->request, &v, sizeof(v)) ? CLOSE : OK;
}

static void replace_fd(int *slot, int fd)
{
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
}

/* ---- the ring: the one place it starts and stops ---- */

static void ring_stop(struct vu_conn *c)
{
	if (!c->running)
		return;
	c->ring.base = device_stop(&c->dev);
	c->running = 0;
}

/*
 * The ring runs exactly when it has everything it needs: memory, size,
 * addresses, a kick fd, and not disabled. FAIL when it should run but does
 * not fit in guest memory. Requests may already be waiting when it starts:
 * their kick came before.
 */
static int ring_update(struct vu_conn *c)
{
	int ready = c->have_mem && c->ring.num && c->have_addr &&
		    c->kick_fd >= 0 && c->enabled;

	if (!ready) {
		ring_stop(c);
		return OK;
	}
	if (c->running)
		return OK;
	c->ring.event_idx = !!(c->features & (1ull << VU_F_EVENT_IDX));
	if (device_start(&c->dev, &c->ring))
		return FAIL;
	c->running = 1;
	device_kick(&c->dev, 0);
	return OK;
}

/* Stop the ring as GET_VRING_BASE does: without its kick fd it stays
 * stopped until the front-end sends a new one. */
static void ring_stop_until_kick(struct vu_conn *c)
{
	replace_fd(&c->kick_fd, -1);
	ring_update(c);
}

void vu_conn_reset(struct vu_conn *c)
{
	ring_stop(c);
	sym_session_table_clear(&c->sessions);
	device_set_memory(&c->dev, NULL);
	device_set_call(&c->dev, -1);
	replace_fd(&c->kick_fd, -1);
	replace_fd(&c->call_fd, -1);
	replace_fd(&c->err_fd, -1);
	c->kick_dead = 0;
	memset(&c->ring, 0, sizeof(c->ring));
	c->have_mem = c->have_addr = 0;
	c->enabled = 1;
	c->features = c->protocol_features = 0;
}

/* ---- handlers ---- */

static int get_features(struct vu_conn *c, struct vu_msg *m)
{
	return reply_u64(c, m, VU_FEATURES);
}

static int set_features(struct vu_conn *c, struct vu_msg *m)
{
	if (get64(m->payload) & ~VU_FEATURES)
		return protocol_error(m, "features we did not offer");
	c->features = get64(m->payload);
	/* QEMU starts its vhost device with SET_FEATURES. A ring still running
	 * then belongs to a device the guest reset without QEMU stopping us:
	 * after a virtqueue reset (RING_RESET) it skips GET_VRING_BASE. Stop it
	 * as GET_VRING_BASE would. */
	if (c->running) {
		ring_stop_until_kick(c);
		vlog_limited(&c->ring_log, LOG_INFO, "data queue stopped: the "
			     "front-end starts the device again");
	}
	return OK;
}

static int get_protocol_features(struct vu_conn *c, struct vu_msg *m)
{
	return reply_u64(c, m, VU_PROTOCOL_FEATURES);
}

static int set_protocol_features(struct vu_conn *c, struct vu_msg *m)
{
	if (get64(m->payload) & ~VU_PROTOCOL_FEATURES)
		return protocol_error(m, "protocol features we did not offer");
	c->protocol_features = get64(m->payload);
	return OK;
}

static int set_owner(struct vu_conn *c, struct vu_msg *m)
{
	(void)c, (void)m;
	return OK;
}

static int reset_owner(struct vu_conn *c, struct vu_msg *m)
{
	uint64_t f = c->features, pf = c->protocol_features;

	(void)m;
	vu_conn_reset(c);
	c->features = f;
	c->protocol_features = pf;
	return OK;
}

static int get_queue_num(struct vu_conn *c, struct vu_msg *m)
{
	return reply_u64(c, m, 1);
}

static int set_mem_table(struct vu_conn *c, struct vu_msg *m)
{
	struct mem_region_desc d[MEM_MAX_REGIONS] = { { 0 } };
	struct mem_table t;
	uint32_t n = get32(m->payload), i;

	for (i = 0; i < n; i++) {
		const uint8_t *p = m->payload + VU_MEM_HDR_SIZE + i * VU_MEM_REGION_SIZE;

		d[i].gpa = get64(p);
		d[i].size = get64(p + 8);
		d[i].uaddr = get64(p + 16);
		d[i].mmap_offset = get64(p + 24);
	}
	/* The mappings stay valid without the fds. */
	if (mem_table_map(&t, d, c->fds, n)) {
		vlog(LOG_WARN, "memory table of %u regions refused", n);
		return FAIL;
	}
	for (i = 0; i < n; i++)
		vlog(LOG_DEBUG, "memory region %u: gpa %#llx size %#llx uaddr %#llx",
		     i, (unsigned long long)d[i].gpa,
		     (unsigned long long)d[i].size,
		     (unsigned long long)d[i].uaddr);
	/* Re-translate a running ring; start one that only lacked memory. */
	ring_stop(c);
	device_set_memory(&c->dev, &t);
	c->have_mem = 1;
	return ring_update(c);
}

static int set_vring_num(struct vu_conn *c, struct vu_msg *m)
{
	uint32_t num = get32(m->payload + 4);

	if (num == 0 || num > VRING_MAX_NUM || (num & (num - 1)))
		return protocol_error(m, "ring size not a power of two <= 32768");
	if (c->running)
		return protocol_error(m, "ring size changed while running");
	c->ring.num = num;
	return OK;
}

static int set_vring_base(struct vu_conn *c, struct vu_msg *m)
{
	uint32_t base = get32(m->payload + 4);

	if (base > 0xffff)
		return protocol_error(m, "ring base above 65535");
	if (c->running)
		return protocol_error(m, "ring base changed while running");
	c->ring.base = (uint16_t)base;
	return OK;
}

static int get_vring_base(struct vu_conn *c, struct vu_msg *m)
{
	uint32_t state[2] = { 0, 0 };

	ring_stop_until_kick(c);
	state[1] = c->ring.base;
	vlog_limited(&c->ring_log, LOG_INFO, "data queue stopped at avail "
		     "index %u", c->ring.base);
	return vu_send_reply(c->fd, m->request, state, sizeof(state)) ? CLOSE : OK;
}

static int set_vring_addr(struct vu_conn *c, struct vu_msg *m)
{
	if (get32(m->payload + 4) != 0) {
		vlog(LOG_WARN, "vring address flags %#x (dirty logging) not "
		     "supported", get32(m->payload + 4));
		return FAIL;
	}
	if (c->running)
		return protocol_error(m, "ring address changed while running");
	c->ring.desc = get64(m->payload + 8);
	c->ring.used = get64(m->payload + 16);
	c->ring.avail = get64(m->payload + 24);
	c->have_addr = 1;
	return ring_update(c);
}

/* The fd of SET_VRING_KICK/CALL/ERR, taken from the message, non-blocking
 * (eventfds never block; whatever else came must not either); -1: NOFD. */
static int vring_fd(struct vu_conn *c, struct vu_msg *m, int *fd)
{
	*fd = -1;
	if (!c->nfds)
		return OK;
	if (fcntl(c->fds[0], F_SETFL, fcntl(c->fds[0], F_GETFL) | O_NONBLOCK))
		return protocol_error(m, "fd refuses O_NONBLOCK");
	*fd = c->fds[0];
	c->fds[0] = -1;
	return OK;
}

static int set_vring_kick(struct vu_conn *c, struct vu_msg *m)
{
	int fd, ret = vring_fd(c, m, &fd);

	if (ret != OK)
		return ret;
	if (fd < 0) {
		vlog(LOG_WARN, "polling without a kick fd not supported");
		return FAIL;
	}
	ring_stop(c);
	replace_fd(&c->kick_fd, fd);
	c->kick_dead = 0;
	return ring_update(c);
}

static int set_vring_call(struct vu_conn *c, struct vu_msg *m)
{
	int fd, ret = vring_fd(c, m, &fd);

	if (ret != OK)
		return ret;
	device_set_call(&c->dev, fd);
	replace_fd(&c->call_fd, fd);
	return OK;
}

static int set_vring_err(struct vu_conn *c, struct vu_msg *m)
{
	int fd, ret = vring_fd(c, m, &fd);

	if (ret == OK)
		replace_fd(&c->err_fd, fd);
	return ret;
}

static int set_vring_enable(struct vu_conn *c, struct vu_msg *m)
{
	uint32_t on = get32(m->payload + 4);

	if (on > 1)
		return protocol_error(m, "enable is neither 0 nor 1");
	c->enabled = (int)on;
	return ring_update(c);
}

/* Fill p from a CREATE_CRYPTO_SESSION payload; keys point into it. */
static void session_from_payload(const uint8_t *pl, struct sym_session_params *p)
{
	memset(p, 0, sizeof(*p));
	p->cipher_alg = get32(pl + VU_SESSION_CIPHER_ALG);
	p->key_len = get32(pl + VU_SESSION_KEY_LEN);
	p->hash_alg = get32(pl + VU_SESSION_HASH_ALG);
	p->hash_result_len = get32(pl + VU_SESSION_HASH_RESULT_LEN);
	p->auth_key_len = get32(pl + VU_SESSION_AUTH_KEY_LEN);
	p->aad_len = get32(pl + VU_SESSION_ADD_LEN);
	p->op_type = pl[VU_SESSION_OP_TYPE];
	p->direction = pl[VU_SESSION_DIRECTION];
	p->hash_mode = pl[VU_SESSION_HASH_MODE];
	p->chain_order = pl[VU_SESSION_CHAIN_ORDER];
	p->key = pl + VU_SESSION_KEY;
	p->auth_key = pl + VU_SESSION_AUTH_KEY;
}

static int create_session(struct vu_conn *c, struct vu_msg *m)
{
	size_t id_off = m->size == VU_SESSION_SIZE_7 ? VU_SESSION_ID_OFF_7 :
			VU_SESSION_ID_OFF_8;
	struct sym_session_params p;
	const char *why = NULL;
	uint64_t id = 0;
	int64_t answer;
	int ret;

	session_from_payload(m->payload, &p);
	if (m->size == VU_SESSION_SIZE_8 &&
	    get64(m->payload + VU_SESSION_OPCODE_OFF_8) !=
	    VIRTIO_CRYPTO_CIPHER_CREATE_SESSION) {
		why = "only symmetric (cipher) sessions are supported";
		ret = -ENOTSUP;
	} else if (p.key_len > VU_SESSION_KEY_MAX ||
		   p.auth_key_len > VU_SESSION_AUTH_KEY_MAX) {
		why = "key longer than the payload holds";
		ret = -EINVAL;
	} else {
		ret = sym_session_create(&c->sessions, c->engine, &p, &id, &why);
	}
	if (ret) {
		static struct log_limit limit;

		vlog_limited(&limit, LOG_INFO, "session refused (cipher %u key "
			     "%u op_type %u hash %u): %s", p.cipher_alg,
			     p.key_len, p.op_type, p.hash_alg, why);
		stats_add(&g_stats.sessions_refused, 1);
		answer = ret;
	} else {
		vlog(LOG_DEBUG, "session %llu created (cipher %u key %u op_type %u "
		     "direction %u)", (unsigned long long)id, p.cipher_alg,
		     p.key_len, p.op_type, p.direction);
		stats_add(&g_stats.sessions_created, 1);
		answer = (int64_t)id;
	}
	memcpy(m->payload + id_off, &answer, sizeof(answer));
	ret = vu_send_reply(c->fd, m->request, m->payload, m->size);
	vc_wipe(m->payload, m->size);
	return ret ? CLOSE : OK;
}

/* A session unknown here (say, made before a restart) is gone anyway: the
 * failure is acked when asked, else ignored (REPLY_ACK_OR_IGNORE). */
static int close_session(struct vu_conn *c, struct vu_msg *m)
{
	uint64_t id = get64(m->payload);

	if (sym_session_close(&c->sessions, id)) {
		static struct log_limit limit;

		vlog_limited(&limit, LOG_INFO, "close of unknown session %llu",
			     (unsigned long long)id);
		return FAIL;
	}
	vlog(LOG_DEBUG, "session %llu closed", (unsigned long long)id);
	stats_add(&g_stats.sessions_closed, 1);
	return OK;
}

static int unsupported(struct vu_conn *c, struct vu_msg *m)
{
	(void)c;
	vlog(LOG_WARN, "vhost-user request %u not supported", m->request);
	return FAIL;
}

/* ---- the message table: one row per request ---- */

static const struct vu_request_type request_types[] = {
	[VU_GET_FEATURES] = { "GET_FEATURES", PL_NONE_OR_U64, 0, REPLY_OWN,
			      get_features },
	[VU_SET_FEATURES] = { "SET_FEATURES", PL_U64, 0, REPLY_ACK,
			      set_features },
	[VU_SET_OWNER] = { "SET_OWNER", PL_NONE, 0, REPLY_ACK, set_owner },
	[VU_RESET_OWNER] = { "RESET_OWNER", PL_NONE, 0, REPLY_ACK,
			     reset_owner },
	[VU_SET_MEM_TABLE] = { "SET_MEM_TABLE", PL_MEM_TABLE, MEM_MAX_REGIONS,
			       REPLY_ACK, set_mem_table },
	[VU_SET_VRING_NUM] = { "SET_VRING_NUM", PL_STATE, 0, REPLY_ACK,
			       set_vring_num },
	[VU_SET_VRING_ADDR] = { "SET_VRING_ADDR", PL_ADDR, 0, REPLY_ACK,
				set_vring_addr },
	[VU_SET_VRING_BASE] = { "SET_VRING_BASE", PL_STATE, 0, REPLY_ACK,
				set_vring_base },
	[VU_GET_VRING_BASE] = { "GET_VRING_BASE", PL_STATE, 0, REPLY_OWN,
				get_vring_base },
	[VU_SET_VRING_KICK] = { "SET_VRING_KICK", PL_FILE, 1, REPLY_ACK,
				set_vring_kick },
	[VU_SET_VRING_CALL] = { "SET_VRING_CALL", PL_FILE, 1, REPLY_ACK,
				set_vring_call },
	[VU_SET_VRING_ERR] = { "SET_VRING_ERR", PL_FILE, 1, REPLY_ACK,
			       set_vring_err },
	[VU_GET_PROTOCOL_FEATURES] = { "GET_PROTOCOL_FEATURES", PL_NONE_OR_U64,
				       0, REPLY_OWN, get_protocol_features },
	[VU_SET_PROTOCOL_FEATURES] = { "SET_PROTOCOL_FEATURES", PL_U64, 0,
				       REPLY_ACK, set_protocol_features },
	[VU_GET_QUEUE_NUM] = { "GET_QUEUE_NUM", PL_NONE_OR_U64, 0, REPLY_OWN,
			       get_queue_num },
	[VU_SET_VRING_ENABLE] = { "SET_VRING_ENABLE", PL_STATE, 0, REPLY_ACK,
				  set_vring_enable },
	[VU_CREATE_CRYPTO_SESSION] = { "CREATE_CRYPTO_SESSION", PL_SESSION, 0,
				       REPLY_OWN, create_session },
	[VU_CLOSE_CRYPTO_SESSION] = { "CLOSE_CRYPTO_SESSION", PL_U64, 0,
				      REPLY_ACK_OR_IGNORE, close_session },
};

/* Any other request: refused (acked when asked), no fds, any payload. */
static const struct vu_request_type unknown_type = {
	"unknown", PL_ANY, 0, REPLY_ACK, unsupported
};

static const struct vu_request_type *request_type(uint32_t request)
{
	if (request < sizeof(request_types) / sizeof(request_types[0]) &&
	    request_types[request].handle)
		return &request_types[request];
	return &unknown_type;
}

const char *vu_request_name(uint32_t request)
{
	return request_type(request)->name;
}

/* Why the payload does not have the shape the request needs, or NULL. */
static const char *payload_error(enum vu_payload rule, const struct vu_msg *m,
				 unsigned int nfds)
{
	uint64_t v;
	uint32_t n;

	switch (rule) {
	case PL_NONE:
		return m->size ? "unexpected payload" : NULL;
	case PL_NONE_OR_U64:
		return m->size && m->size != VU_U64_SIZE ? "unexpected payload" : NULL;
	case PL_U64:
		return m->size != VU_U64_SIZE ? "payload is not a u64" : NULL;
	case PL_STATE:
	case PL_ADDR:
		if (m->size != (rule == PL_STATE ? VU_STATE_SIZE : VU_ADDR_SIZE))
			return rule == PL_STATE ? "payload is not a vring state" :
			       "payload is not a vring address";
		return get32(m->payload) ? "queue index is not 0" : NULL;
	case PL_FILE:
		if (m->size != VU_U64_SIZE)
			return "payload is not a u64";
		v = get64(m->payload);
		if (v & ~(VU_VRING_IDX_MASK | VU_VRING_NOFD))
			return "unknown bits in the vring file payload";
		if (v & VU_VRING_IDX_MASK)
			return "queue index is not 0";
		if (nfds != !(v & VU_VRING_NOFD))
			return "fd count does not match the NOFD flag";
		return NULL;
	case PL_MEM_TABLE:
		if (m->size < VU_MEM_HDR_SIZE)
			return "memory table header truncated";
		n = get32(m->payload);
		if (n == 0 || n > MEM_MAX_REGIONS)
			return "number of memory regions not in 1..8";
		if (m->size != VU_MEM_HDR_SIZE + n * VU_MEM_REGION_SIZE)
			return "size does not match the region count";
		return nfds != n ? "fd count does not match the region count" : NULL;
	case PL_SESSION:
		return m->size != VU_SESSION_SIZE_7 && m->size != VU_SESSION_SIZE_8 ?
		       "session payload is neither 632 nor 1072 bytes" : NULL;
	case PL_ANY:
		break;
	}
	return NULL;
}

int vu_handle(struct vu_conn *c, struct vu_msg *m, int *fds, unsigned int nfds)
{
	const struct vu_request_type *t = request_type(m->request);
	int ack = (m->flags & VU_FLAG_NEED_REPLY) &&
		  (c->protocol_features & (1ull << VU_PROTOCOL_F_REPLY_ACK));
	const char *why = NULL;
	int ret;

	vlog(LOG_DEBUG, "vhost-user %s (request %u), flags %#x, %u bytes, %u fds",
	     t->name, m->request, m->flags, m->size, nfds);
	if ((m->flags & VU_VERSION_MASK) != VU_VERSION)
		why = "not protocol version 1";
	else if (m->flags & VU_FLAG_REPLY)
		why = "a reply where a request was expected";
	else if (nfds > t->max_fds)
		why = "carries fds it must not";
	else
		why = payload_error(t->payload, m, nfds);
	c->fds = fds;
	c->nfds = nfds;
	ret = why ? protocol_error(m, why) : t->handle(c, m);
	close_fds(fds, nfds);
	c->fds = NULL;
	c->nfds = 0;
	if (ret == CLOSE)
		return -1;
	if (t->reply == REPLY_OWN)
		return 0;
	if (ack)
		return reply_u64(c, m, ret == OK ? 0 : 1) == OK ? 0 : -1;
	if (ret == FAIL && t->reply == REPLY_ACK) {
		stats_add(&g_stats.protocol_errors, 1);
		vlog(LOG_WARN, "vhost-user %s failed; closing the connection",
		     t->name);
		return -1;
	}
	return 0;
}
