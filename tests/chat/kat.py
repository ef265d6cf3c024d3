#!/usr/bin/env python3
"""The chat's key schedule (docs/PROTOCOL.md section 2), computed with
hashlib/hmac only, for tests/chat/proto-test.c to compare against: the
key-file key "0123456789abcdef0123456789abcdef", the client's ephemeral key
Alice's and the server's Bob's of RFC 7748 section 6.1, whose X25519 shared
secret the RFC gives. Prints "name hex" lines."""
import hashlib
import hmac

K = b"0123456789abcdef0123456789abcdef"
CLIENT_PUB = bytes.fromhex(
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
SERVER_PUB = bytes.fromhex(
    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
DH = bytes.fromhex(
    "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")


def h(key, msg):
    return hmac.new(key, msg, hashlib.sha256).digest()


prk = h(K, b"vcrypto-chat v2 prk" + CLIENT_PUB + SERVER_PUB + DH)
out = {
    "client_hello": b"VCCHAT\x02\x00" + CLIENT_PUB,
    "server_hello": b"VCCHAT\x02\x00" + SERVER_PUB,
    "prk": prk,
    "c2s_enc": h(prk, b"c2s enc")[:16],
    "c2s_mac": h(prk, b"c2s mac"),
    "s2c_enc": h(prk, b"s2c enc")[:16],
    "s2c_mac": h(prk, b"s2c mac"),
    "client_confirm": h(prk, b"client confirm"),
    "server_confirm": h(prk, b"server confirm"),
}
for name, value in out.items():
    print(name, value.hex())
