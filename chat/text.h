/* Peer-supplied text made safe to print, and the rules for names. */
#ifndef CHAT_TEXT_H
#define CHAT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/*
 * Copy in[0, n) to out without what a terminal would act on: C0 control
 * characters (tab and escape included), DEL, and C1 controls (U+0080 to
 * U+009F, in their UTF-8 form); every byte that is not part of well-formed
 * UTF-8 becomes '?'. Returns the bytes written (at most n; in == out ok).
 */
size_t text_clean(uint8_t *out, const uint8_t *in, size_t n);

/* A valid name: 1 to PROTO_NAME_MAX printable ASCII characters other than
 * space, and not "server" (the server's own lines). */
int text_name_valid(const uint8_t *name, size_t len);

#endif /* CHAT_TEXT_H */
