# lib.sh — helpers for CLI integration tests (sourced). Each test counts its checks and ends
# with "N passed, N failed"; any failure makes the script exit 1.
set -u
: "${VIGIL:?VIGIL must name the vigil binary}"
PASS=0
FAIL=0
TMP=$(mktemp -d /tmp/vigil-clitest.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; }

# check NAME CMD...: passes when CMD succeeds.
check() {
    local name=$1
    shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# expect_rc NAME WANT CMD...: runs CMD (stdout/stderr to $TMP/out, $TMP/err), checks exit code.
expect_rc() {
    local name=$1 want=$2
    shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    if [ "$got" = "$want" ]; then ok "$name"; else
        not_ok "$name (exit $got, want $want)"
        sed 's/^/    stderr: /' "$TMP/err" | head -20
    fi
}

finish() {
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" = 0 ]
}
