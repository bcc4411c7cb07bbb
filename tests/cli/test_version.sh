#!/usr/bin/env bash
# test_version.sh — `vigil --version` names the Hamming level in use: the one VIGIL_SIMD forces
# when the CPU has it, else the best one with a note saying why. Run once per level by CTest.
. "$(dirname "$0")/lib.sh"

want=${VIGIL_SIMD:-}
expect_rc "--version exits 0" 0 "$VIGIL" --version
check "--version names vigil" grep -q '^vigil ' "$TMP/out"
if [ -n "$want" ] && grep -qw "$want" /proc/cpuinfo 2>/dev/null ||
    [ "$want" = scalar ] || { [ "$want" = avx512 ] && grep -qw avx512_vpopcntdq /proc/cpuinfo; }; then
    check "hamming kernels: $want" grep -qx "  hamming kernels: $want" "$TMP/out"
    check "no fallback note" sh -c "! grep -q 'VIGIL_SIMD=' '$TMP/out'"
else
    check "fallback note for $want" grep -q "VIGIL_SIMD=$want: not supported by this CPU; using" "$TMP/out"
fi
VIGIL_SIMD=avx9 "$VIGIL" --version >"$TMP/out2"
check "unknown level is noted" grep -q "VIGIL_SIMD=avx9: unknown level; using" "$TMP/out2"
finish
