# Shared by the driver suite's scripts (sourced, not run).
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

# Memory-error detectors in every driver-suite guest (Debian's kernels have
# no KASAN): KFENCE samples allocations (6.12 and later; 6.1 has none) and
# slub_debug red-zones, poisons and checks every slab object. Their reports
# fail the run (vm/run).
export VM_APPEND="${VM_APPEND:+$VM_APPEND }kfence.sample_interval=5 slub_debug=FZPU"

# detectors: prints what the guest's detectors say they are (run in the guest).
detectors='echo "slub_debug red_zone=$(cat /sys/kernel/slab/kmalloc-64/red_zone)";
	echo "kfence sample_interval=$(cat /sys/module/kfence/parameters/sample_interval 2>/dev/null || echo absent)"'

# check_detectors OUT: the detectors were on in the guest whose output is OUT.
check_detectors() {
	local detectors_out=$1
	check "slub_debug on in the guest" 'grep -qx "slub_debug red_zone=1" "$detectors_out"'
	check "KFENCE on where the kernel has it" \
		'grep -qx "kfence sample_interval=absent" "$detectors_out" ||
		 grep -qx "kfence sample_interval=5" "$detectors_out"'
}

# The module, the guest program and QEMU.
need_guest() {
	need "$VCD_KO" "$BS/tests/driver-check"
}
