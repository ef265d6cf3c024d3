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
		close(fds[i]);
}

static int protocol_error(const struct vu_msg *m, const char *why)
{
	vlog(LOG_WARN, "vhost-user request %u (size %u): %s", m->request,
	     m->size, why);
	stats_add(&g_stats.protocol_errors, 1);
	return CLOSE;
}

static int reply_u64(struct vu_conn *c, const struct vu_msg *m, uint64_t v)
{
	return vu_send_reply(c->fd, m->request, &v, sizeof(v)) ? CLOSE : OK;
}

/* SET_VRING_KICK/CALL/ERR: the u64 names queue 0 and says whether an fd came. */
static int vring_file(const struct vu_msg *m, unsigned int nfds, int *has_fd)
{
	uint64_t v;

	if (m->size != VU_U64_SIZE)
		return protocol_error(m, "payload is not a u64");
	v = get64(m->payload);
	if (v & ~(VU_VRING_IDX_MASK | VU_VRING_NOFD))
		return protocol_error(m, "unknown bits in the vring file payload");
	if ((v & VU_VRING_IDX_MASK) != 0)
		return protocol_error(m, "queue index is not 0");
	*has_fd = !(v & VU_VRING_NOFD);
	if (nfds != (unsigned int)*has_fd)
		return protocol_error(m, "fd count does not match the NOFD flag");
	return OK;
}

static int vring_state(const struct vu_msg *m, uint32_t *num)
{
	if (m->size != VU_STATE_SIZE)
		return protocol_error(m, "payload is not a vring state");
	if (get32(m->payload) != 0)
		return protocol_error(m, "queue index is not 0");
	*num = get32(m->payload + 4);
	return OK;
}

static int set_mem_table(struct vu_conn *c, const struct vu_msg *m, int *fds,
			 unsigned int nfds)
{
	struct mem_region_desc d[MEM_MAX_REGIONS];
	struct device *dev = c->dev;
	struct mem_table t;
	uint32_t n, i;
	int ret;

	if (m->size < VU_MEM_HDR_SIZE)
		return protocol_error(m, "memory table header truncated");
	n = get32(m->payload);
	if (n == 0 || n > MEM_MAX_REGIONS)
		return protocol_error(m, "number of memory regions not in 1..8");
	if (m->size != VU_MEM_HDR_SIZE + n * VU_MEM_REGION_SIZE)
		return protocol_error(m, "size does not match the region count");
	if (nfds != n)
		return protocol_error(m, "fd count does not match the region count");
	for (i = 0; i < n; i++) {
		const uint8_t *p = m->payload + VU_MEM_HDR_SIZE + i * VU_MEM_REGION_SIZE;

		d[i].gpa = get64(p);
		d[i].size = get64(p + 8);
		d[i].uaddr = get64(p + 16);
		d[i].mmap_offset = get64(p + 24);
	}
	ret = mem_table_map(&t, d, fds, n);
	if (ret) {
		vlog(LOG_WARN, "memory table of %u regions refused", n);
		return FAIL;
	}
	/* In-flight requests point into the old mappings. */
	device_quiesce(dev);
	mem_table_clear(&dev->mem);
	dev->mem = t;
	for (i = 0; i < n; i++)
		vlog(LOG_DEBUG, "memory region %u: gpa %#llx size %#llx uaddr %#llx",
		     i, (unsigned long long)d[i].gpa,
		     (unsigned long long)d[i].size,
		     (unsigned long long)d[i].uaddr);
	/* Re-translate a running ring; start one that only lacked memory. */
	device_stop_ring(dev);
	if (device_try_start(dev))
		return FAIL;
	device_process(dev);
	return OK;
}

static int set_vring_addr(struct vu_conn *c, const struct vu_msg *m)
{
	struct device *dev = c->dev;

	if (m->size != VU_ADDR_SIZE)
		return protocol_error(m, "payload is not a vring address");
	if (get32(m->payload) != 0)
		return protocol_error(m, "queue index is not 0");
	if (get32(m->payload + 4) != 0) {
		vlog(LOG_WARN, "vring address flags %#x (dirty logging) not "
		     "supported", get32(m->payload + 4));
		return FAIL;
	}
	if (dev->started)
		return protocol_error(m, "ring address changed while running");
	dev->desc = get64(m->payload + 8);
	dev->used = get64(m->payload + 16);
	dev->avail = get64(m->payload + 24);
	dev->have_addr = 1;
	if (device_try_start(dev))
		return FAIL;
	device_process(dev);
	return OK;
}

static void replace_fd(int *slot, int fd)
{
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
}

/* Installs the fd that came (the device owns it from here on). */
static int set_vring_fd(struct vu_conn *c, const struct vu_msg *m, int *fds,
			unsigned int nfds)
{
	struct device *dev = c->dev;
	int has_fd, ret, fd;

	ret = vring_file(m, nfds, &has_fd);
	if (ret != OK) {
		close_fds(fds, nfds);
		return ret;
	}
	fd = has_fd ? fds[0] : -1;
	/* Eventfds never block; whatever else came must not either. */
	if (fd >= 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)) {
		close(fd);
		return protocol_error(m, "fd refuses O_NONBLOCK");
	}
	switch (m->request) {
	case VU_SET_VRING_KICK:
		if (!has_fd) {
			vlog(LOG_WARN, "polling without a kick fd not supported");
			return FAIL;
		}
		device_stop_ring(dev);
		replace_fd(&dev->kick_fd, fd);
		if (device_try_start(dev))
			return FAIL;
		/* Requests may already be waiting; their kick came before. */
		device_process(dev);
		return OK;
	case VU_SET_VRING_CALL:
		/* Workers notify through call_fd. */
		device_quiesce(dev);
		replace_fd(&dev->call_fd, fd);
		return OK;
	default:
		replace_fd(&dev->err_fd, fd);
		return OK;
	}
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
	struct sym_session_params p;
	const char *why = NULL;
	uint64_t id = 0;
	int64_t answer;
	size_t id_off;
	int ret;

	if (m->size == VU_SESSION_SIZE_7)
		id_off = VU_SESSION_ID_OFF_7;
	else if (m->size == VU_SESSION_SIZE_8)
		id_off = VU_SESSION_ID_OFF_8;
	else
		return protocol_error(m, "session payload is neither 632 nor 1072 bytes");
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
		ret = sym_session_create(&c->dev->sessions, c->dev->engine, &p, &id,
				     &why);
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

static int close_session(struct vu_conn *c, const struct vu_msg *m)
{
	uint64_t id;

	if (m->size != VU_U64_SIZE)
		return protocol_error(m, "payload is not a session id");
	id = get64(m->payload);
	if (sym_session_close(&c->dev->sessions, id)) {
		static struct log_limit limit;

		vlog_limited(&limit, LOG_INFO, "close of unknown session %llu",
			     (unsigned long long)id);
		return FAIL;
	}
	vlog(LOG_DEBUG, "session %llu closed", (unsigned long long)id);
	stats_add(&g_stats.sessions_closed, 1);
	return OK;
}

/* Requests that carry fds, and how many at most. */
static unsigned int max_fds(uint32_t request)
{
	switch (request) {
	case VU_SET_MEM_TABLE:
		return MEM_MAX_REGIONS;
	case VU_SET_VRING_KICK:
	case VU_SET_VRING_CALL:
	case VU_SET_VRING_ERR:
		return 1;
	default:
		return 0;
	}
}

static int dispatch(struct vu_conn *c, struct vu_msg *m, int *fds,
		    unsigned int nfds)
{
	struct device *dev = c->dev;
	uint32_t num;
	int ret;

	switch (m->request) {
	case VU_GET_FEATURES:
		if (m->size != 0 && m->size != VU_U64_SIZE)
			return protocol_error(m, "unexpected payload");
		return reply_u64(c, m, VU_FEATURES);
	case VU_SET_FEATURES:
		if (m->size != VU_U64_SIZE)
			return protocol_error(m, "payload is not a u64");
		if (get64(m->payload) & ~VU_FEATURES)
			return protocol_error(m, "features we did not offer");
		c->features = get64(m->payload);
		/* QEMU starts its vhost device with SET_FEATURES. A ring still
		 * running then belongs to a device the guest reset without
		 * QEMU stopping us: after a virtqueue reset (RING_RESET) it
		 * skips GET_VRING_BASE. Stop it as GET_VRING_BASE would. */
		if (dev->started) {
			device_stop_ring(dev);
			replace_fd(&dev->kick_fd, -1);
			vlog_limited(&dev->ring_log, LOG_INFO, "data queue "
				     "stopped: the front-end starts the device "
				     "again");
		}
		return OK;
	case VU_GET_PROTOCOL_FEATURES:
		if (m->size != 0 && m->size != VU_U64_SIZE)
			return protocol_error(m, "unexpected payload");
		return reply_u64(c, m, VU_PROTOCOL_FEATURES);
	case VU_SET_PROTOCOL_FEATURES:
		if (m->size != VU_U64_SIZE)
			return protocol_error(m, "payload is not a u64");
		if (get64(m->payload) & ~VU_PROTOCOL_FEATURES)
			return protocol_error(m, "protocol features we did not offer");
		c->protocol_features = get64(m->payload);
		return OK;
	case VU_SET_OWNER:
		return m->size == 0 ? OK : protocol_error(m, "unexpected payload");
	case VU_RESET_OWNER:
		if (m->size != 0)
			return protocol_error(m, "unexpected payload");
		device_reset(dev);
		return OK;
	case VU_GET_QUEUE_NUM:
		if (m->size != 0 && m->size != VU_U64_SIZE)
			return protocol_error(m, "unexpected payload");
		return reply_u64(c, m, 1);
	case VU_SET_MEM_TABLE:
		/* The mappings stay valid without the fds. */
		ret = set_mem_table(c, m, fds, nfds);
		close_fds(fds, nfds);
		return ret;
	case VU_SET_VRING_NUM:
		ret = vring_state(m, &num);
		if (ret != OK)
			return ret;
		if (num == 0 || num > VRING_MAX_NUM || (num & (num - 1)))
			return protocol_error(m, "ring size not a power of two <= 32768");
		if (dev->started)
			return protocol_error(m, "ring size changed while running");
		dev->num = num;
		return OK;
	case VU_SET_VRING_BASE:
		ret = vring_state(m, &num);
		if (ret != OK)
			return ret;
		if (num > 0xffff)
			return protocol_error(m, "ring base above 65535");
		if (dev->started)
			return protocol_error(m, "ring base changed while running");
		dev->base = (uint16_t)num;
		return OK;
	case VU_GET_VRING_BASE: {
		uint32_t state[2] = { 0, 0 };

		ret = vring_state(m, &num);
		if (ret != OK)
			return ret;
		device_stop_ring(dev);
		replace_fd(&dev->kick_fd, -1);
		state[1] = dev->base;
		vlog_limited(&dev->ring_log, LOG_INFO, "data queue stopped at "
			     "avail index %u", dev->base);
		return vu_send_reply(c->fd, m->request, state, sizeof(state)) ?
		       CLOSE : OK;
	}
	case VU_SET_VRING_ADDR:
		return set_vring_addr(c, m);
	case VU_SET_VRING_KICK:
	case VU_SET_VRING_CALL:
	case VU_SET_VRING_ERR:
		return set_vring_fd(c, m, fds, nfds);
	case VU_SET_VRING_ENABLE:
		ret = vring_state(m, &num);
		if (ret != OK)
			return ret;
		if (num > 1)
			return protocol_error(m, "enable is neither 0 nor 1");
		dev->disabled = !num;
		if (!dev->disabled)
			device_process(dev);
		return OK;
	case VU_CREATE_CRYPTO_SESSION:
		return create_session(c, m);
	case VU_CLOSE_CRYPTO_SESSION:
		return close_session(c, m);
	default:
		vlog(LOG_WARN, "vhost-user request %u not supported", m->request);
		return FAIL;
	}
}

/* Requests whose reply is their own answer, never an ack. */
static int has_own_reply(uint32_t request)
{
	switch (request) {
	case VU_GET_FEATURES:
	case VU_GET_PROTOCOL_FEATURES:
	case VU_GET_QUEUE_NUM:
	case VU_GET_VRING_BASE:
	case VU_CREATE_CRYPTO_SESSION:
		return 1;
	default:
		return 0;
	}
}

int vu_handle(struct vu_conn *c, struct vu_msg *m, int *fds, unsigned int nfds)
{
	int ack = (m->flags & VU_FLAG_NEED_REPLY) &&
		  (c->protocol_features & (1ull << VU_PROTOCOL_F_REPLY_ACK)) &&
		  !has_own_reply(m->request);
	int ret;

	vlog(LOG_DEBUG, "vhost-user request %u, flags %#x, %u bytes, %u fds",
	     m->request, m->flags, m->size, nfds);
	if ((m->flags & VU_VERSION_MASK) != VU_VERSION) {
		close_fds(fds, nfds);
		return protocol_error(m, "not protocol version 1");
	}
	if (m->flags & VU_FLAG_REPLY) {
		close_fds(fds, nfds);
		return protocol_error(m, "a reply where a request was expected");
	}
	if (nfds > max_fds(m->request)) {
		close_fds(fds, nfds);
		return protocol_error(m, "carries fds it must not");
	}
	ret = dispatch(c, m, fds, nfds);
	if (ret == CLOSE)
		return -1;
	if (ack)
		return reply_u64(c, m, ret == OK ? 0 : 1) == OK ? 0 : -1;
	if (ret == FAIL) {
		/* A session unknown here (say, made before a restart) is gone
		 * anyway; the close needs no answer. */
		if (m->request == VU_CLOSE_CRYPTO_SESSION)
			return 0;
		/* Nowhere to say it failed: the front-end would go on wrongly. */
		stats_add(&g_stats.protocol_errors, 1);
		vlog(LOG_WARN, "vhost-user request %u failed; closing the "
		     "connection", m->request);
		return -1;
	}
	return 0;
}
