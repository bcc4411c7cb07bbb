#!/usr/bin/env bash
# install.sh — build vigil and set a device up for scheduled scans, in one step (as root):
#   release build -> cmake --install (binary, man pages, systemd units, examples)
#   -> /etc/vigil/vigil.conf from the example (never overwritten) -> the report-signing key
#   (never overwritten) -> /var/lib/vigil/{lists,reports} -> systemd (or cron) told.
# Usage: packaging/install.sh [--prefix DIR] [--enable-timer] [--cron]
#                             [--root DIR --build-dir DIR]   (tests: install into DIR, no build)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="" root="" build="" enable_timer=0 cron=0
while [ $# -gt 0 ]; do
    case $1 in
    --prefix) prefix=$2; shift 2 ;;
    --root) root=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --enable-timer) enable_timer=1; shift ;;
    --cron) cron=1; shift ;;
    -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 3 ;;
    esac
done
say() { echo "install.sh: $*"; }

if [ -z "$build" ]; then
    scripts/bootstrap
    cmake --preset release -DCMAKE_INSTALL_PREFIX="${prefix:-/usr/local}" >/dev/null
    cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)"
    build=build/release
fi
cached() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
# The prefix given here wins over the one the build was configured with: cmake --install
# writes it into the units and the cron line (packaging/install_units.cmake).
prefix=${prefix:-$(cached CMAKE_INSTALL_PREFIX)}
DESTDIR="$root" cmake --install "$build" --prefix "$prefix"
bindir=$(cached CMAKE_INSTALL_BINDIR) unitdir=$(cached VIGIL_SYSTEMD_DIR)
case $bindir in /*) ;; *) bindir=$prefix/${bindir:-bin} ;; esac
case $unitdir in /*) ;; *) unitdir=$prefix/${unitdir:-lib/systemd/system} ;; esac
vigil="$root$bindir/vigil"
examples="$root$prefix/share/doc/vigil/examples"
say "installed $bindir/vigil; systemd units in $unitdir"
case $unitdir in
/usr/lib/systemd/system | /lib/systemd/system | /usr/local/lib/systemd/system | /etc/systemd/system) ;;
*) say "systemd does not read $unitdir: run systemctl link $unitdir/vigil-scan.service" \
    "$unitdir/vigil-scan.timer" ;;
esac

install -d -m 0755 "$root/etc/vigil"
if [ -e "$root/etc/vigil/vigil.conf" ]; then
    say "/etc/vigil/vigil.conf exists: kept (the example is in $prefix/share/doc/vigil/examples)"
else
    install -m 0640 "$examples/vigil.conf" "$root/etc/vigil/vigil.conf"
    say "wrote /etc/vigil/vigil.conf from the example: set path, hashlist and exclude-dir"
fi
install -d -m 0700 "$root/var/lib/vigil" "$root/var/lib/vigil/lists" "$root/var/lib/vigil/reports"
if [ -e "$root/etc/vigil/report.key" ]; then
    say "/etc/vigil/report.key exists: kept"
else
    say "creating the report-signing key; register its key id and fingerprint with central IT:"
    "$vigil" keygen --out "$root/etc/vigil/report"
fi

if [ "$cron" = 1 ] || [ ! -d /run/systemd/system ]; then
    install -d -m 0755 "$root/etc/cron.d"
    install -m 0644 "$examples/vigil.cron" "$root/etc/cron.d/vigil"
    say "installed /etc/cron.d/vigil (daily at 02:30)"
elif [ -z "$root" ]; then
    systemctl daemon-reload
    if [ "$enable_timer" = 1 ]; then
        systemctl enable --now vigil-scan.timer
        say "daily scans enabled: systemctl list-timers vigil-scan.timer"
    else
        say "when the settings pass 'vigil config check': systemctl enable --now vigil-scan.timer"
    fi
fi
say "done"
