#!/usr/bin/env bash
# test_install.sh BUILD-DIR — `cmake --install` (into a DESTDIR) puts the binary, the man pages,
# the systemd units (naming the installed binary), the example settings and the cron line where
# Debian looks for them; packaging/install.sh then sets up /etc/vigil and /var/lib/vigil and
# never overwrites an admin's settings or key.
. "$(dirname "$0")/lib.sh"
BUILD=${1:?build directory}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
ROOT="$TMP/root"
PREFIX=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
P="$ROOT$PREFIX"

expect_rc "cmake --install succeeds" 0 env DESTDIR="$ROOT" cmake --install "$BUILD"
check "binary in PREFIX/bin" test -x "$P/bin/vigil"
check "installed binary runs" "$P/bin/vigil" --version
check "vigil(1) in PREFIX/share/man/man1" test -s "$P/share/man/man1/vigil.1"
check "vigil.conf(5) in PREFIX/share/man/man5" test -s "$P/share/man/man5/vigil.conf.5"
check "man finds vigil(1) in the installed tree" \
    bash -c "MANWIDTH=80 man -M '$P/share/man' vigil 2>/dev/null | grep -q 'EXIT STATUS'"
check "man finds vigil.conf(5) in the installed tree" \
    bash -c "MANWIDTH=80 man -M '$P/share/man' 5 vigil.conf 2>/dev/null | grep -q PRECEDENCE"
U="$P/lib/systemd/system"
check "service unit installed" test -s "$U/vigil-scan.service"
check "timer unit installed" test -s "$U/vigil-scan.timer"
check "the service runs the installed binary" \
    grep -qx "ExecStart=$PREFIX/bin/vigil scan --config /etc/vigil/vigil.conf --syslog --quiet" \
    "$U/vigil-scan.service"
check "example settings installed" cmp "$SRC/packaging/vigil.conf" \
    "$P/share/doc/vigil/examples/vigil.conf"
check "cron line names the installed binary" \
    grep -q " $PREFIX/bin/vigil scan --config /etc/vigil/vigil.conf" \
    "$P/share/doc/vigil/examples/vigil.cron"

# packaging/install.sh into the same root, from this build
expect_rc "install.sh --root" 0 "$SRC/packaging/install.sh" --root "$ROOT" --build-dir "$BUILD"
check "settings file 0640" [ "$(stat -c %a "$ROOT/etc/vigil/vigil.conf")" = 640 ]
check "settings file is the example" cmp "$SRC/packaging/vigil.conf" "$ROOT/etc/vigil/vigil.conf"
check "signing key 0600" [ "$(stat -c %a "$ROOT/etc/vigil/report.key")" = 600 ]
check "public key beside it" test -s "$ROOT/etc/vigil/report.pub"
check "state folder 0700" [ "$(stat -c %a "$ROOT/var/lib/vigil")" = 700 ]
check "reports folder" test -d "$ROOT/var/lib/vigil/reports"
check "lists folder" test -d "$ROOT/var/lib/vigil/lists"
if [ ! -d /run/systemd/system ]; then
    check "no systemd here: cron file installed" test -s "$ROOT/etc/cron.d/vigil"
fi
echo "jobs = 1" >>"$ROOT/etc/vigil/vigil.conf"
key_before=$(sha256sum <"$ROOT/etc/vigil/report.key")
expect_rc "install.sh again" 0 "$SRC/packaging/install.sh" --root "$ROOT" --build-dir "$BUILD"
check "an edited settings file is kept" grep -qx "jobs = 1" "$ROOT/etc/vigil/vigil.conf"
check "the signing key is kept" [ "$(sha256sum <"$ROOT/etc/vigil/report.key")" = "$key_before" ]
finish
