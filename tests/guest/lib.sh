# Shared by the guest suite's scripts (sourced, not run).
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
