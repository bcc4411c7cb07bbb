#!/usr/bin/env bash
# neon_cross.sh — build the Hamming dispatcher, the portable and the NEON kernels for AArch64
# with the strict warning set, then run hamming_cross.c under qemu-user against the portable
# level. Exits 77 (CTest: skipped) when the cross compiler or qemu is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cc=aarch64-linux-gnu-gcc
qemu=qemu-aarch64-static
for tool in "$cc" "$qemu"; do
    if ! command -v "$tool" >/dev/null; then
        echo "SKIP: $tool not installed (scripts/bootstrap installs it)"
        exit 77
    fi
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=(-std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes
       -Wmissing-prototypes -Wvla -Wconversion -Wsign-conversion -Wcast-qual -Wundef -Werror
       -I"$root/include")
srcs=(hashing/hamming.c hashing/hamming_scalar.c hashing/hamming_neon.c hashing/status.c)
for s in "${srcs[@]}"; do
    "$cc" "${flags[@]}" -c "$root/$s" -o "$out/$(basename "$s" .c).o"
done
echo "compiled for aarch64: ${srcs[*]}"
"$cc" -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -Wall -Wextra -Werror -I"$root/include" -static \
    "$here/hamming_cross.c" "$out"/*.o -pthread -o "$out/hamming_cross"
"$qemu" "$out/hamming_cross"
