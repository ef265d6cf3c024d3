/*
 * The vhost-user protocol as vcryptod speaks it (back-end side): wire
 * constants, the message buffer, and the handler of one message.
 * Reference: QEMU docs/interop/vhost-user.rst.
 */
#ifndef VCRYPTOD_VHOST_USER_H
#define VCRYPTOD_VHOST_USER_H

#include <stdint.h>

#include "device.h"

enum vu_request {
	VU_GET_FEATURES = 1,
	VU_SET_FEATURES = 2,
	VU_SET_OWNER = 3,
	VU_RESET_OWNER = 4,
	VU_SET_MEM_TABLE = 5,
	VU_SET_LOG_BASE = 6,
	VU_SET_LOG_FD = 7,
	VU_SET_VRING_NUM = 8,
	VU_SET_VRING_ADDR = 9,
	VU_SET_VRING_BASE = 10,
	VU_GET_VRING_BASE = 11,
	VU_SET_VRING_KICK = 12,
	VU_SET_VRING_CALL = 13,
	VU_SET_VRING_ERR = 14,
	VU_GET_PROTOCOL_FEATURES = 15,
	VU_SET_PROTOCOL_FEATURES = 16,
	VU_GET_QUEUE_NUM = 17,
	VU_SET_VRING_ENABLE = 18,
	VU_CREATE_CRYPTO_SESSION = 26,
	VU_CLOSE_CRYPTO_SESSION = 27,
};

#define VU_HDR_SIZE		12
#define VU_MAX_PAYLOAD		4096	/* larger: the connection is closed */
#define VU_MAX_FDS		8

#define VU_VERSION		0x1
#define VU_VERSION_MASK		0x3
#define VU_FLAG_REPLY		0x4
#define VU_FLAG_NEED_REPLY	0x8

#define VU_F_EVENT_IDX		29	/* VIRTIO_RING_F_EVENT_IDX */
#define VU_F_PROTOCOL_FEATURES	30
#define VU_F_VERSION_1		32	/* VIRTIO_F_VERSION_1 */
#define VU_FEATURES \
	((1ull << VU_F_EVENT_IDX) | (1ull << VU_F_PROTOCOL_FEATURES) | \
	 (1ull << VU_F_VERSION_1))

#define VU_PROTOCOL_F_REPLY_ACK		3
#define VU_PROTOCOL_F_CRYPTO_SESSION	7
#define VU_PROTOCOL_FEATURES \
	((1ull << VU_PROTOCOL_F_REPLY_ACK) | \
	 (1ull << VU_PROTOCOL_F_CRYPTO_SESSION))

/* The u64 payload of SET_VRING_KICK/CALL/ERR. */
#define VU_VRING_IDX_MASK	0xffull
#define VU_VRING_NOFD		(1ull << 8)

/* Payload sizes. */
#define VU_U64_SIZE		8
#define VU_STATE_SIZE		8	/* struct vhost_vring_state */
#define VU_ADDR_SIZE		40	/* struct vhost_vring_addr */
#define VU_MEM_HDR_SIZE		8	/* u32 nregions, u32 padding */
#define VU_MEM_REGION_SIZE	32	/* gpa, size, uaddr, mmap_offset */

/*
 * CREATE_CRYPTO_SESSION: QEMU's CryptoDevBackendSymSessionInfo as raw memory.
 * 632 bytes (QEMU 7.1 - 8.0): i64 session_id at 0. 1072 bytes (QEMU >= 8.1):
 * u64 op_code at 0, i64 session_id at 1064. Both: the fields below.
 */
#define VU_SESSION_SIZE_7		632
#define VU_SESSION_SIZE_8		1072
#define VU_SESSION_ID_OFF_7		0
#define VU_SESSION_OPCODE_OFF_8		0
#define VU_SESSION_ID_OFF_8		1064
#define VU_SESSION_CIPHER_ALG		8
#define VU_SESSION_KEY_LEN		12
#define VU_SESSION_HASH_ALG		16
#define VU_SESSION_HASH_RESULT_LEN	20
#define VU_SESSION_AUTH_KEY_LEN		24
#define VU_SESSION_ADD_LEN		28
#define VU_SESSION_OP_TYPE		32
#define VU_SESSION_DIRECTION		33
#define VU_SESSION_HASH_MODE		34
#define VU_SESSION_CHAIN_ORDER		35
#define VU_SESSION_KEY			56
#define VU_SESSION_KEY_MAX		64
#define VU_SESSION_AUTH_KEY		120
#define VU_SESSION_AUTH_KEY_MAX		512

struct vu_msg {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
	uint8_t payload[VU_MAX_PAYLOAD];
};

/*
 * The back-end side of a vhost-user connection, kept across connections: it
 * owns the negotiated features, the ring configuration, the ring's fds and
 * the session table, decides when the device's ring runs, and runs the poll
 * loop of one front-end at a time.
 */
struct vu_conn {
	int fd;				/* the front-end; -1: none */
	struct vc_engine *engine;
	unsigned int poll_us;
	struct device dev;
	struct sym_session_table sessions;
	uint64_t features;
	uint64_t protocol_features;
	struct ring_config ring;
	int have_mem, have_addr;
	int enabled;			/* SET_VRING_ENABLE; 1 until told 0 */
	int running;			/* the device's ring is started */
	int kick_fd, call_fd, err_fd;
	int kick_dead;			/* EOF or hang-up: not polled */
	int *fds;			/* the message's, while it is handled */
	unsigned int nfds;
	struct log_limit ring_log;	/* stops: a guest's resets */
};

/* A connection object with no front-end yet; session ids start from
 * first_session (sym_session_table_init()). 0 or -ENOMEM. */
int vu_conn_init(struct vu_conn *c, struct vc_engine *e, struct workers *pool,
		 unsigned int poll_us, uint64_t first_session);

/* Back to the state of a new connection: ring stopped, sessions closed,
 * memory unmapped, fds closed, nothing negotiated. c->fd stays. */
void vu_conn_reset(struct vu_conn *c);

/* vu_conn_reset() and free what vu_conn_init() allocated. */
void vu_conn_destroy(struct vu_conn *c);

/*
 * Serve the front-end on fd until it goes, a message is malformed, or a
 * signal says stop (signals_check()); then reset and close fd.
 */
void vu_serve(struct vu_conn *c, int fd);

/* The request's name as the specification spells it ("SET_VRING_KICK"),
 * or "unknown". */
const char *vu_request_name(uint32_t request);

/*
 * Read one message and the fds sent with it (O_CLOEXEC). Once a message has
 * begun, the rest is waited for in one poll with signals_fd(), so a stalled
 * front-end cannot keep a SIGTERM waiting. Returns 1 (message read; *nfds
 * fds now belong to the caller), 0 (orderly EOF before a message) or -1
 * (error; malformed framing: too large, truncated, too many fds; or a signal
 * says stop; whatever fds came are closed). Says why on stderr.
 */
int vu_recv(int fd, struct vu_msg *m, int *fds, unsigned int *nfds);

/* Send a reply: request, flags VERSION|REPLY, size bytes of payload,
 * waiting for room as vu_recv() waits for bytes. Returns 0 or -1. */
int vu_send_reply(int fd, uint32_t request, const void *payload, uint32_t size);

/*
 * Validate and act on one message, sending its reply when it has one. Takes
 * ownership of fds (closes what it does not keep). Returns 0 to go on, or -1
 * when the connection must be closed (said why on stderr).
 */
int vu_handle(struct vu_conn *c, struct vu_msg *m, int *fds, unsigned int nfds);

#endif
