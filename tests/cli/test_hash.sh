#!/usr/bin/env bash
# test_hash.sh — `vigil hash` agrees byte for byte with md5sum, sha1sum, sha256sum and hashdeep.
. "$(dirname "$0")/lib.sh"

T=$TMP/tree
mkdir -p "$T/sub/deeper"
i=0
for n in 0 1 55 56 63 64 65 1048575 1048576 1048577; do
    head -c "$n" /dev/urandom >"$T/f$n"
    i=$((i + 1))
done
cp "$T/f65" "$T/sub/with space.bin"
cp "$T/f1" "$T/sub/deeper/comma,name"
printf 'x' >"$T/sub/back\\slash"

cd "$T" || exit 1
files=$(find . -type f | sort)

# --- sum formats: exactly what coreutils prints ---
for algo in md5 sha1 sha256; do
    # shellcheck disable=SC2086
    ${algo}sum $files >"$TMP/want"
    # shellcheck disable=SC2086
    "$VIGIL" hash --format=sum --algo=$algo $files >"$TMP/got"
    check "sum --algo=$algo equals ${algo}sum byte for byte" cmp -s "$TMP/want" "$TMP/got"
done
# shellcheck disable=SC2086
"$VIGIL" hash --format=sum $files >"$TMP/got"
# shellcheck disable=SC2086
sha256sum $files >"$TMP/want"
check "sum defaults to sha256" cmp -s "$TMP/want" "$TMP/got"
# shellcheck disable=SC2086
check "sha256sum -c accepts vigil's output" sha256sum --quiet -c "$TMP/got"

# --- hashdeep: records equal, header as hashdeep's ---
records() { grep -v '^%%%%' "$1" | grep -v '^##' | sort; }
hashdeep -l -r -c md5,sha1,sha256 . >"$TMP/hd" 2>/dev/null
"$VIGIL" hash -r --no-pdq . >"$TMP/vg"
check "hashdeep -r records equal hashdeep -l -r -c md5,sha1,sha256 (--no-pdq)" \
    cmp -s <(records "$TMP/hd") <(records "$TMP/vg")
check "hashdeep header lines equal" cmp -s <(head -2 "$TMP/hd") <(head -2 "$TMP/vg")
check "hashdeep audit mode accepts vigil's file" \
    bash -c "hashdeep -l -r -a -k '$TMP/vg' . >/dev/null 2>&1"
n_files=$(echo "$files" | wc -l)
check "recursion found every file" test "$(records "$TMP/vg" | wc -l)" = "$n_files"
check "recursion output is sorted by path" \
    cmp -s <(grep -v '^[%#]' "$TMP/vg" | cut -d, -f5-) <(grep -v '^[%#]' "$TMP/vg" | cut -d, -f5- | LC_ALL=C sort)

# --- jsonl: parses, same digests ---
"$VIGIL" hash --format=jsonl ./f0 ./f65 >"$TMP/js"
check "jsonl has one line per file" test "$(wc -l <"$TMP/js")" = 2
check "jsonl parses as JSON" python3 -c '
import json,sys
for line in open(sys.argv[1]): json.loads(line)' "$TMP/js"
check "jsonl digests equal sha256sum/md5sum" python3 -c '
import json,sys,hashlib
for line in open(sys.argv[1]):
    o=json.loads(line); b=open(o["path"],"rb").read()
    assert o["size"]==len(b)
    assert o["md5"]==hashlib.md5(b).hexdigest(), o
    assert o["sha1"]==hashlib.sha1(b).hexdigest(), o
    assert o["sha256"]==hashlib.sha256(b).hexdigest(), o' "$TMP/js"

# --- stdin ---
check "'-' hashes standard input" \
    cmp -s <(sha256sum <"$T/f65") <("$VIGIL" hash --format=sum - <"$T/f65")

# --- odd names: never printed raw ---
O=$TMP/odd
mkdir "$O"
printf a >"$O/$(printf 'new\nline')"
printf b >"$O/$(printf 'cr\rx')"
printf c >"$O/$(printf 'bad\377name')"
printf d >"$O/$(printf 'del\177c1\302\233x')"
cd "$O" || exit 1
"$VIGIL" hash --format=sum -r . >"$TMP/odd.sum"
check "sum escapes newline like sha256sum" \
    grep -qxF '\ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb  ./new\nline' "$TMP/odd.sum"
check "sum escapes CR like sha256sum" grep -qF '  ./cr\rx' "$TMP/odd.sum"
check "sum escapes invalid UTF-8 as \\xHH" grep -qF '  ./bad\xffname' "$TMP/odd.sum"
check "sum escapes DEL and C1 controls" grep -qF '  ./del\x7fc1\xc2\x9bx' "$TMP/odd.sum"
check "sum output has one line per file" test "$(wc -l <"$TMP/odd.sum")" = 4
"$VIGIL" hash -r . >"$TMP/odd.hd"
check "hashdeep output quotes like ls shell-escape" grep -qF "./new'\$'\\n''line" "$TMP/odd.hd"
check "hashdeep output quotes invalid bytes" grep -qF "./bad'\$'\\377''name" "$TMP/odd.hd"
"$VIGIL" hash -r --format=jsonl . >"$TMP/odd.js"
check "jsonl gives path_b64 for a non-UTF-8 name" python3 -c '
import json,sys,base64
objs=[json.loads(l) for l in open(sys.argv[1])]
bad=[o for o in objs if "path_b64" in o]
assert len(bad)==1 and base64.b64decode(bad[0]["path_b64"])==b"./bad\xffname", objs
assert any(o["path"]=="./new\nline" for o in objs)' "$TMP/odd.js"

# --- errors and exit codes ---
cd "$T" || exit 1
expect_rc "missing file exits 2" 2 "$VIGIL" hash ./f1 ./does-not-exist
check "missing file still hashes the others" grep -q ',./f1$' "$TMP/out"
check "missing file is named on stderr with the reason" \
    grep -qF "vigil: ./does-not-exist: No such file or directory" "$TMP/err"
expect_rc "directory without -r exits 2" 2 "$VIGIL" hash ./sub
check "directory without -r says to use -r" grep -q 'use -r' "$TMP/err"
mkfifo "$TMP/fifo"
expect_rc "FIFO is refused, not opened (no hang)" 2 timeout 10 "$VIGIL" hash "$TMP/fifo"
check "FIFO reason given" grep -q 'not a regular file' "$TMP/err"
expect_rc "unknown option exits 3" 3 "$VIGIL" hash --bogus ./f1
expect_rc "bad --format exits 3" 3 "$VIGIL" hash --format=xml ./f1
expect_rc "no path exits 3" 3 "$VIGIL" hash
expect_rc "--help exits 0" 0 "$VIGIL" hash --help
check "--help documents exit status" grep -q 'Exit status' "$TMP/out"
expect_rc "--version exits 0" 0 "$VIGIL" --version
check "--version names OpenSSL" grep -q OpenSSL "$TMP/out"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
    mkdir "$TMP/locked" && printf s >"$TMP/locked/secret" && chmod 600 "$TMP/locked/secret"
    chmod 755 "$TMP" "$TMP/locked"
    expect_rc "unreadable file exits 2 (as nobody)" 2 \
        setpriv --reuid=nobody --regid=nogroup --clear-groups "$VIGIL" hash "$TMP/locked/secret"
    check "unreadable file reason given" grep -q 'Permission denied' "$TMP/err"
else
    expect_rc "unreadable file exits 2" 2 bash -c "printf s >'$TMP/secret'; chmod 000 '$TMP/secret'; '$VIGIL' hash '$TMP/secret'"
fi

finish
