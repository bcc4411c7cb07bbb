#!/usr/bin/env bash
# test_install.sh BUILD-DIR — `cmake --install` (into a DESTDIR) puts the binary, the man pages,
# the systemd units (naming the installed binary), the example settings and the cron line where
# Debian looks for them; packaging/install.sh then sets up /etc/vigil and /var/lib/vigil and
# never overwrites an admin's settings or key. A prefix chosen at install time (cmake --install
# --prefix, install.sh --prefix) is the one the units and the cron line name, and
# systemd-analyze verify, looking inside the installed tree, accepts the units there.
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

# systemd-analyze verify inside the installed tree (--root): the units as installed, the system's
# own units (sysinit.target, ...) beside them, and the binary they name must exist in the tree.
verify_in_root() { # verify_in_root ROOT UNIT-DIR PREFIX
    mkdir -p "$1/usr/lib/systemd" "$1/etc/systemd/system"
    [ -d "$1/usr/lib/systemd/system" ] || cp -a /lib/systemd/system "$1/usr/lib/systemd/"
    cp "$2/vigil-scan.service" "$2/vigil-scan.timer" "$1/etc/systemd/system/"
    MANPATH="$1$3/share/man" systemd-analyze verify --root="$1" vigil-scan.service vigil-scan.timer
}
expect_rc "systemd-analyze verify accepts the installed units" 0 verify_in_root "$ROOT" "$U" "$PREFIX"
check "no complaints" test ! -s "$TMP/err"

# ---- a prefix given at install time, not the configured one: the units follow it ----
P2=/opt/vigil-elsewhere
R2="$TMP/root2"
expect_rc "cmake --install --prefix elsewhere" 0 env DESTDIR="$R2" cmake --install "$BUILD" \
    --prefix "$P2"
U2="$R2$P2/lib/systemd/system"
check "binary under the install-time prefix" test -x "$R2$P2/bin/vigil"
check "units under the install-time prefix" test -s "$U2/vigil-scan.service"
check "the service runs this install's binary" \
    grep -qx "ExecStart=$P2/bin/vigil scan --config /etc/vigil/vigil.conf --syslog --quiet" \
    "$U2/vigil-scan.service"
check "the cron line names this install's binary" \
    grep -q " $P2/bin/vigil scan --config" "$R2$P2/share/doc/vigil/examples/vigil.cron"
check "no unit or cron line names the configured prefix" \
    bash -c "! grep -rq '$PREFIX/bin/vigil' '$U2' '$R2$P2/share/doc/vigil/examples'"
check "nothing installed under the configured prefix" test ! -e "$R2$PREFIX"
expect_rc "systemd-analyze verify accepts them (binary found in the tree)" 0 \
    verify_in_root "$R2" "$U2" "$P2"
mv "$R2$P2/bin/vigil" "$R2$P2/bin/vigil.moved"
expect_rc "... and would not if the unit named a missing binary" 1 verify_in_root "$R2" "$U2" "$P2"
check "systemd-analyze names the missing binary" grep -q "$P2/bin/vigil is not executable" "$TMP/err"
mv "$R2$P2/bin/vigil.moved" "$R2$P2/bin/vigil"

# packaging/install.sh --prefix with a build configured for another prefix
R3="$TMP/root3"
expect_rc "install.sh --prefix elsewhere" 0 "$SRC/packaging/install.sh" --root "$R3" \
    --build-dir "$BUILD" --prefix "$P2"
check "install.sh: the service runs the binary it installed" \
    grep -qx "ExecStart=$P2/bin/vigil scan --config /etc/vigil/vigil.conf --syslog --quiet" \
    "$R3$P2/lib/systemd/system/vigil-scan.service"
check "install.sh: that binary made the signing key" test -s "$R3/etc/vigil/report.key"
check "install.sh: says systemd does not read that unit folder, and what to do" \
    grep -q "systemd does not read $P2/lib/systemd/system: run systemctl link" "$TMP/out"
finish
