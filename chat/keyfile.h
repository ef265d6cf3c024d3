/* The shared key file: exactly PROTO_KEY_LEN random bytes, mode 0600. */
#ifndef CHAT_KEYFILE_H
#define CHAT_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* Create path (never overwriting) holding a fresh random key, mode 0600.
 * 0, or -1 after a notice. */
int keyfile_generate(const char *path);

/* Read a key file that must hold exactly PROTO_KEY_LEN bytes and, when it
 * is a regular file, be owned by the effective user with no access for group
 * or others. 0, or -1 with a message in err[errlen]. */
int keyfile_load(const char *path, uint8_t key[PROTO_KEY_LEN], char *err,
		 size_t errlen);

#endif /* CHAT_KEYFILE_H */
