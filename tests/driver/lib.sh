# Shared by the driver suite's scripts (sourced, not run).
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

# The module, the guest program and QEMU.
need_guest() {
	need "$VCD_KO" "$BS/tests/driver-check"
}
