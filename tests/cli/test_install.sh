#!/usr/bin/env bash
# test_install.sh BUILD-DIR — `cmake --install` (into a DESTDIR) puts the binary and the man
# page where Debian looks for them, and the installed page is readable by man(1).
. "$(dirname "$0")/lib.sh"
BUILD=${1:?build directory}
ROOT="$TMP/root"
PREFIX=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")

expect_rc "cmake --install succeeds" 0 env DESTDIR="$ROOT" cmake --install "$BUILD"
check "binary in PREFIX/bin" test -x "$ROOT$PREFIX/bin/vigil"
check "installed binary runs" "$ROOT$PREFIX/bin/vigil" --version
check "man page in PREFIX/share/man/man1" test -s "$ROOT$PREFIX/share/man/man1/vigil.1"
check "man finds the page by name in the installed tree" \
    bash -c "MANWIDTH=80 man -M '$ROOT$PREFIX/share/man' vigil 2>/dev/null | grep -q 'EXIT STATUS'"
finish
