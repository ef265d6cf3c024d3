# Shared by vcryptod's in-guest tests (sourced, not run).
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
