# Shared by the driver suite's scripts (sourced, not run).
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

# The module, the guest program and QEMU.
need_guest() {
	need "$TOP/guest/virtio_cryptodev.ko" "$BS/tests/driver-check"
}
