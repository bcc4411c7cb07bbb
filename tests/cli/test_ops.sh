#!/usr/bin/env bash
# test_ops.sh — unattended operation (issue 7): vigil.conf wired into `vigil scan` (settings,
# precedence, lists replaced, paths, errors at FILE:LINE, where each setting came from),
# `vigil config check`, the lock (two scans with one config: exactly one runs), syslog lines,
# priorities, --keep-reports, and the shipped units, cron line and example config run as
# written. No test depends on timing: a scan is held inside its lock by a full stderr pipe.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_fixture.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
one_line() { [ "$(wc -l <"$TMP/err")" = 1 ]; }

# ---- settings from the file; the command line wins ----
C="$TMP/vigil.conf"
conf "$C" "path = $T" "hashlist = $TMP/lists.vhs" "report = $TMP/rep1" "sign-key = $K" \
    "no-cache = yes" "quiet = yes" "jobs = 2" "max-depth = 5"
expect_rc "scan from the settings file alone: match -> 1" 1 "$VIGIL" scan --config "$C"
start_rec "$TMP/rep1"
check "scan_start names the settings file" has_cfg config "$C"
check "jobs from the file, with its line" has_cfg jobs.source "$C:9"
check "jobs value from the file" has_cfg jobs 2
check "path from the file, with its line" has_cfg path.source "$C:3"
check "report verifies" "$VIGIL" verify "$TMP"/rep1/vigil-* --pubkey "$TMP/sign.pub"

expect_rc "command line overrides a single value" 1 "$VIGIL" scan --config "$C" -j 1 \
    --report "$TMP/rep2"
start_rec "$TMP/rep2"
check "-j 1 wins over jobs = 2" has_cfg jobs 1
check "no file source for an overridden setting" no_cfg jobs.source
check "max-depth still from the file" has_cfg max-depth.source "$C:10"

conf "$TMP/excl.conf" "path = $T" "hashlist = $TMP/lists.vhs" "report = $TMP/rep3" \
    "sign-key = $K" "no-cache = yes" "quiet = yes" "exclude = *.jpg"
expect_rc "file's exclude list applies: no match -> 0" 0 "$VIGIL" scan --config "$TMP/excl.conf"
expect_rc "a list on the command line replaces the file's: match -> 1" 1 \
    "$VIGIL" scan --config "$TMP/excl.conf" --exclude '*.txt'
expect_rc "a PATH on the command line replaces the file's paths: 0" 0 \
    "$VIGIL" scan --config "$C" --report "$TMP/rep4" "$TMP/clean"
start_rec "$TMP/rep4"
check "no path source when the command line named the PATH" no_cfg path.source
expect_rc "--no-config ignores the file (then nothing is set)" 4 "$VIGIL" scan --no-config
expect_rc "a missing --config file: 4" 4 "$VIGIL" scan --config "$TMP/missing.conf"
check "missing file named" grep -q "missing.conf: No such file" "$TMP/err"

# ---- errors: one line naming FILE:LINE ----
conf "$TMP/bad1.conf" "path = $T" "max-dept = 5"
expect_rc "unknown key: 4" 4 "$VIGIL" scan --config "$TMP/bad1.conf"
check "unknown key at its line" grep -qx "vigil: $TMP/bad1.conf:4: unknown key 'max-dept'" "$TMP/err"
check "unknown key: one line" one_line
conf "$TMP/bad2.conf" "path = $T" "hashlist = $TMP/lists.vhs" "report = $TMP/r" \
    "sign-key = $K" "max-files = lots"
expect_rc "bad number: 4" 4 "$VIGIL" scan --config "$TMP/bad2.conf"
check "bad number at its line" \
    grep -qx "vigil: $TMP/bad2.conf:7: bad value 'lots' for max-files" "$TMP/err"
check "bad number: one line" one_line
conf "$TMP/bad3.conf" "path = $T" "report = $TMP/r" "sign-key = $K" \
    "hashlist = $TMP/lists.vhs" "hashlist = $TMP/nowhere.vhs"
expect_rc "unreadable list: 4" 4 "$VIGIL" scan --config "$TMP/bad3.conf"
check "unreadable list at its line" grep -q "^vigil: $TMP/bad3.conf:7: hashlist: " "$TMP/err"
check "unreadable list: one line" one_line
conf "$TMP/bad4.conf" "path = $T" "nice = 40"
expect_rc "bad nice: 4" 4 "$VIGIL" scan --config "$TMP/bad4.conf"
check "bad nice at its line" grep -qx "vigil: $TMP/bad4.conf:4: bad value '40' for nice" "$TMP/err"
expect_rc "bad --ionice on the command line: 4" 4 "$VIGIL" scan --no-config --ionice fast "$T"

# ---- vigil config check ----
expect_rc "config check: good file -> 0" 0 "$VIGIL" config check --config "$C"
check "config check names the file" grep -qx "settings file: $C" "$TMP/out"
check "config check shows the key id only" grep -q "^sign-key = $K (Ed25519, key id " "$TMP/out"
check "config check never prints the key" bash -c "! grep -q -e PRIVATE -e \"\$(sed -n 2p '$K')\" '$TMP/out'"
check "config check prints effective settings" grep -qx "  max-depth=5" "$TMP/out"
expect_rc "config check: unreadable list -> 4" 4 "$VIGIL" config check --config "$TMP/bad3.conf"
check "config check: the list's line" grep -q "bad3.conf:7: hashlist: " "$TMP/err"
conf "$TMP/bad5.conf" "path = $T" "hashlist = $TMP/lists.vhs" "report = $TMP/r" \
    "sign-key = $TMP/list.csv"
expect_rc "config check: unusable signing key -> 4" 4 "$VIGIL" config check --config "$TMP/bad5.conf"
expect_rc "config without 'check': 3" 3 "$VIGIL" config

# ---- the lock: two scans with one settings file, exactly one runs ----
# Scan A is held inside its lock: its syslog copy on stderr (VIGIL_SYSLOG_STDERR) goes to a
# pipe filled to capacity beforehand, so its first line, written after the lock is taken,
# blocks until the test drains the pipe.
conf "$TMP/lock.conf" "path = $T" "hashlist = $TMP/lists.vhs" "report = $TMP/rep5" \
    "sign-key = $K" "no-cache = yes" "quiet = yes" "syslog = yes" "lock = $TMP/run/scan.lock" \
    "nice = 12" "ionice = idle"
mkfifo "$TMP/a.err"
exec 3<>"$TMP/a.err"
python3 -c 'import fcntl,os; os.set_blocking(3, False)
try:
    while True: os.write(3, b"x" * 4096)
except BlockingIOError: pass'
# timeout(1) only stops a broken test from hanging; A is vigil, its child.
VIGIL_SYSLOG_STDERR=1 timeout 300 "$VIGIL" scan --config "$TMP/lock.conf" 2>"$TMP/a.err" 3>&- &
T_A=$!
A=
for _ in $(seq 600); do # until A has written its PID into the lock file (it then holds it)
    A=$(cat "$TMP/run/scan.lock" 2>/dev/null)
    [ -n "$A" ] && [ "$(ps -o ppid= -p "$A" 2>/dev/null | tr -d ' ')" = "$T_A" ] && break
    sleep 0.1
done
check "scan A holds the lock" [ "$(ps -o comm= -p "$A")" = vigil ]
check "A runs at nice 12" [ "$(ps -o ni= -p "$A" | tr -d ' ')" = 12 ]
check "A runs at I/O class idle" bash -c "ionice -p $A | grep -q idle"
expect_rc "scan B with the same settings: lock code 8" 8 "$VIGIL" scan --config "$TMP/lock.conf"
check "B says who holds the lock" \
    grep -q "another scan with these settings is running (PID $A, lock $TMP/run/scan.lock)" "$TMP/err"
check "B wrote no report" [ "$(ls "$TMP/rep5" | wc -l)" = 1 ]
cat <"$TMP/a.err" >"$TMP/a.log" 3>&- &
DRAIN=$!
exec 3>&-
wait "$T_A"
check "A finished normally: match -> 1" [ $? = 1 ]
wait "$DRAIN"
check "A's syslog: started" grep -q "vigil\[$A\]: scan started: config $TMP/lock.conf" "$TMP/a.log"
check "A's syslog: the match, path and list entry" \
    grep -q "match (confirmed, sha256): $T/a/rocket.jpg: list ops-test entry rocket-1" "$TMP/a.log"
check "A's syslog: the end" grep -q "scan finished: exit 1 (matches), 2 files" "$TMP/a.log"
check "A's syslog: no hash value" \
    bash -c "! grep -q \"\$(sha256sum '$PHOTOS/sk_rocket.jpg' | cut -c1-64)\" '$TMP/a.log'"
expect_rc "after A, the lock is free again" 1 "$VIGIL" scan --config "$TMP/lock.conf"

# A stale lock (the PID in the file is dead, nobody holds the flock) is taken over.
python3 -c 'import os
p = 4194000
while True:
    try: os.kill(p, 0); p -= 1
    except ProcessLookupError: break
    except PermissionError: p -= 1
print(p)' >"$TMP/run/scan.lock"
dead=$(cat "$TMP/run/scan.lock")
VIGIL_SYSLOG_STDERR=1 expect_rc "stale lock taken over: scan runs" 1 \
    "$VIGIL" scan --config "$TMP/lock.conf"
check "stale lock noted" grep -q "took over the lock of PID $dead, which is gone" "$TMP/err"

# The default lock is one per settings file (as root: /run/vigil/scan-HASH.lock).
conf "$TMP/dflt.conf" "path = $T" "hashlist = $TMP/lists.vhs" "report = $TMP/rep6" \
    "sign-key = $K" "no-cache = yes" "quiet = yes"
expect_rc "scan with the default lock" 1 "$VIGIL" scan --config "$TMP/dflt.conf"
start_rec "$TMP/rep6"
check "scan_start records the lock file" python3 -c 'import json,sys
c = json.load(open(sys.argv[1]))["config"]
sys.exit(0 if any(e["name"] == "lock" and "/scan-" in e["value"] for e in c) else 1)' \
    "$TMP/start.json"

# ---- --keep-reports: the newest N stay; older ones go only if they verify ----
R="$TMP/keep"
conf "$TMP/keep.conf" "path = $T" "hashlist = $TMP/lists.vhs" "report = $R" \
    "sign-key = $K" "no-cache = yes" "quiet = yes" "keep-reports = 2"
for i in 1 2 3; do
    expect_rc "kept scan $i" 1 "$VIGIL" scan --config "$TMP/keep.conf"
done
check "3 scans, keep-reports 2: 2 report folders" [ "$(ls "$R" | wc -l)" = 2 ]
oldest=$(ls -dtr "$R"/vigil-* | head -n1) # by modification time: the seal is written last
echo "{}" >>"$oldest/records.jsonl"
expect_rc "scan 4" 1 "$VIGIL" scan --config "$TMP/keep.conf"
expect_rc "scan 5" 1 "$VIGIL" scan --config "$TMP/keep.conf"
check "a report that does not verify is kept" test -d "$oldest"
check "it is named on stderr" grep -q "old report kept: it does not verify" "$TMP/err"
check "the 2 newest and the tampered one remain" [ "$(ls "$R" | wc -l)" = 3 ]
for d in $(ls -dt "$R"/vigil-* | head -n2); do
    check "a kept newest report verifies" "$VIGIL" verify "$d" --pubkey "$TMP/sign.pub"
done
expect_rc "keep-reports 0 is refused" 4 "$VIGIL" scan --config "$TMP/keep.conf" --keep-reports 0

# ---- the shipped files, run as written ----
UNIT="$SRC/packaging/systemd/vigil-scan.service"
TIMER="$SRC/packaging/systemd/vigil-scan.timer"
mkdir -p "$TMP/units"
sed "s|/usr/bin/vigil|$VIGIL|" "$UNIT" >"$TMP/units/vigil-scan.service"
cp "$TIMER" "$TMP/units/"
# (their Documentation= pages are looked up too: give man the pages from the source tree)
mkdir -p "$TMP/man/man1" "$TMP/man/man5"
cp "$SRC/packaging/man/vigil.1" "$TMP/man/man1/"
cp "$SRC/packaging/man/vigil.conf.5" "$TMP/man/man5/"
expect_rc "systemd-analyze verify accepts the units" 0 env MANPATH="$TMP/man" \
    systemd-analyze verify "$TMP/units/vigil-scan.service" "$TMP/units/vigil-scan.timer"
check "no complaints from systemd-analyze" test ! -s "$TMP/err"
check "timer: daily, randomised, persistent" bash -c "grep -qx 'OnCalendar=daily' '$TIMER' &&
    grep -q '^RandomizedDelaySec=' '$TIMER' && grep -qx 'Persistent=true' '$TIMER'"
for k in ProtectSystem=strict PrivateTmp=yes NoNewPrivileges=yes Nice=19 IOSchedulingClass=idle \
    ProtectHome=read-only StateDirectory=vigil; do
    check "unit has $k" grep -qx "$k" "$UNIT"
done

# The service's own command line, with the example settings pointed at the test fixtures.
EX="$TMP/example.conf"
sed -e "s|^path = /home$|path = $T|" -e '/^path = \/srv$/d' \
    -e "s|/var/lib/vigil/lists/lists.vhs|$TMP/lists.vhs|" \
    -e "s|/var/lib/vigil/reports|$TMP/rep-svc|" -e "s|/etc/vigil/report.key|$K|" \
    -e "s|^exclude-dir = .*|exclude-dir = */nothing|" "$SRC/packaging/vigil.conf" >"$EX"
echo "lock = $TMP/run/svc.lock" >>"$EX"
echo "no-cache = yes" >>"$EX"
expect_rc "example settings pass config check" 0 "$VIGIL" config check --config "$EX"
cmdline=$(sed -n 's/^ExecStart=//p' "$UNIT" | sed -e "s|/usr/bin/vigil|$VIGIL|" \
    -e "s|/etc/vigil/vigil.conf|$EX|")
# shellcheck disable=SC2086
expect_rc "the service's ExecStart, run directly: match -> 1" 1 $cmdline
check "it wrote a report that verifies" "$VIGIL" verify "$TMP"/rep-svc/vigil-* --pubkey "$TMP/sign.pub"
cron=$(grep -E '^[0-9]' "$SRC/packaging/cron/vigil" | sed -E 's/^([^ ]+ +){5}root +//' |
    sed -e "s|/usr/bin/vigil|$VIGIL|" -e "s|/etc/vigil/vigil.conf|$EX|")
# shellcheck disable=SC2086
expect_rc "the cron line's command, run directly: match -> 1" 1 $cron
finish
