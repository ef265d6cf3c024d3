/*
 * libFuzzer target for vcryptod's data path: the input becomes a descriptor
 * table, an avail ring and guest memory; every chain is walked, served and
 * pushed by the real code. Any crash, sanitizer report or hang is a bug.
 */
#include <string.h>
#include <linux/virtio_crypto.h>

#include "fake_guest.h"

#define FUZZ_NUM 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fake_guest g;
static int ready;

static void setup(void)
{
	static const uint8_t key[32] = { 1, 2, 3 };
	struct sym_session_params p = { 0 };
	uint64_t id;

	if (fg_init(&g, FUZZ_NUM))
		__builtin_trap();
	p.key = key;
	p.key_len = 16;
	p.direction = VIRTIO_CRYPTO_OP_ENCRYPT;
	p.op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
	/* ids 4096, 8193, 12290, 16387: cipher CBC, CTR, ECB, then chaining */
	p.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CBC;
	sym_session_create(&g.st, g.engine, &p, &id, NULL);
	p.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CTR;
	sym_session_create(&g.st, g.engine, &p, &id, NULL);
	p.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_ECB;
	sym_session_create(&g.st, g.engine, &p, &id, NULL);
	p.cipher_alg = VIRTIO_CRYPTO_CIPHER_AES_CBC;
	p.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
	p.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
	p.hash_alg = VIRTIO_CRYPTO_MAC_HMAC_SHA_256;
	p.hash_result_len = 32;
	p.auth_key = key;
	p.auth_key_len = 32;
	p.chain_order = VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH;
	sym_session_create(&g.st, g.engine, &p, &id, NULL);
	ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vring_avail *a;
	uint32_t id, len;
	unsigned int i, n;
	int st;

	if (!ready)
		setup();
	if (size < 16 * FUZZ_NUM + 1)
		return 0;
	memset(g.mem, 0, FG_HEAP + 0x10000);
	/* Descriptors: addresses folded mostly into guest memory, some just past. */
	for (i = 0; i < FUZZ_NUM; i++) {
		struct vring_desc d;

		memcpy(&d, data + 16 * i, 16);
		if (!(d.flags & 0x8000))
			d.addr = FG_GPA + d.addr % (FG_SIZE + 0x1000);
		d.flags &= 0x7;
		memcpy(g.mem + FG_DESC + 16 * i, &d, 16);
	}
	data += 16 * FUZZ_NUM;
	size -= 16 * FUZZ_NUM;
	n = data[0] % (FUZZ_NUM + 2);
	data++;
	size--;
	a = (struct vring_avail *)(g.mem + FG_AVAIL);
	for (i = 0; i < n && size >= 1; i++, data++, size--)
		a->ring[i % FUZZ_NUM] = data[0] % (FUZZ_NUM + 2);
	a->idx = (uint16_t)n;
	/* The rest is guest memory from the heap on: headers, data, tables. */
	memcpy(g.mem + FG_HEAP, data, size < 0x10000 ? size : 0x10000);
	g.vr.last_avail = 0;
	g.vr.used_idx = 0;
	g.vr.broken = NULL;
	for (i = 0; i < 2 * FUZZ_NUM && fg_serve(&g, &id, &len, &st) == 1; i++)
		if (len > 0 && st < 0)
			__builtin_trap();	/* bytes written but no status */
	return 0;
}
