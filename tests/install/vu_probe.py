#!/usr/bin/env python3
"""A minimal vhost-user front-end (docs/interop/vhost-user.rst): connects to
SOCKET, asks GET_FEATURES and GET_PROTOCOL_FEATURES, checks the replies
against the spec and what QEMU's cryptodev-vhost-user needs.
Usage: vu_probe.py SOCKET"""
import socket
import struct
import sys

GET_FEATURES, GET_PROTOCOL_FEATURES = 1, 15
F_PROTOCOL_FEATURES, F_VERSION_1 = 30, 32
PF_REPLY_ACK, PF_CRYPTO_SESSION = 3, 7
VERSION, REPLY = 0x1, 0x4


def recv_exact(s, n):
    buf = b''
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            sys.exit('vu_probe: connection closed after %d of %d bytes' % (len(buf), n))
        buf += chunk
    return buf


def get_u64(s, req):
    s.sendall(struct.pack('<III', req, VERSION, 0))
    rreq, flags, size = struct.unpack('<III', recv_exact(s, 12))
    if rreq != req or flags != VERSION | REPLY or size != 8:
        sys.exit('vu_probe: bad reply header to %d: %d %#x %d' % (req, rreq, flags, size))
    return struct.unpack('<Q', recv_exact(s, 8))[0]


def main():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(sys.argv[1])
    f = get_u64(s, GET_FEATURES)
    for bit in (F_PROTOCOL_FEATURES, F_VERSION_1):
        if not f >> bit & 1:
            sys.exit('vu_probe: features %#x lack bit %d' % (f, bit))
    pf = get_u64(s, GET_PROTOCOL_FEATURES)
    for bit in (PF_REPLY_ACK, PF_CRYPTO_SESSION):
        if not pf >> bit & 1:
            sys.exit('vu_probe: protocol features %#x lack bit %d' % (pf, bit))
    print('features %#x protocol features %#x' % (f, pf))


main()
