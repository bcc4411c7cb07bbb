#!/usr/bin/env bash
# test_scan.sh — `vigil scan` end to end on a generated tree: known harmless photos placed
# plainly, renamed, re-encoded, mirrored, inside zip / tar.gz / 7z and nested archives, at a
# depth beyond PATH_MAX, under names that are not UTF-8; plus FIFOs, symlink loops, a symlink
# to /dev/zero, truncated images, encrypted entries and a bomb. Checks exit codes (bit set),
# the records, the summary, and a run as an unprivileged user.
. "$(dirname "$0")/lib.sh"
: "${MKVHS:?}" "${MKARC:?}" "${REENCODE:?}"
PHOTOS="$VIGIL_TEST_DATA/photos"
PY=/usr/bin/python3

T="$TMP/tree"
mkdir -p "$T/plain" "$T/renamed" "$T/odd" "$T/arch" "$T/special"
cp "$PHOTOS/sk_rocket.jpg" "$T/plain/rocket.jpg"
cp "$PHOTOS/sk_rocket.jpg" "$T/renamed/holiday-notes.txt"
"$REENCODE" "$PHOTOS/sk_coffee.png" "$T/plain/coffee-q70.jpg" 70
"$REENCODE" "$PHOTOS/sk_chelsea.png" "$T/plain/cat-mirrored.jpg" 80 mirror
cp "$PHOTOS/sk_astronaut.png" "$T/plain/astronaut.png"
cp "$PHOTOS/sk_rocket.jpg" "$T/odd/bad"$'\xff'"name.jpg"
cp "$PHOTOS/sk_rocket.jpg" "$T/odd/new"$'\n'"line.jpg"
echo "just some text" >"$T/plain/readme.txt"

"$MKARC" "$TMP/in.tgz" ustar gzip - a/rocket.jpg="$PHOTOS/sk_rocket.jpg"
"$MKARC" "$T/arch/photos.zip" zip - - x/rocket.bin="$PHOTOS/sk_rocket.jpg"
"$MKARC" "$T/arch/photos.7z" 7zip - - y/rocket.jpg="$PHOTOS/sk_rocket.jpg"
"$MKARC" "$T/arch/nested.zip" zip - - inner.tgz="$TMP/in.tgz"
"$MKARC" "$T/arch/locked.zip" zip - secret hidden.jpg="$PHOTOS/sk_coffee.png"

# A directory chain deeper than PATH_MAX with a known photo at the bottom.
deep_name=$(printf 'd%.0s' {1..60})
(cd "$T" && for _ in $(seq 80); do mkdir "$deep_name" && cd "$deep_name" || exit 1; done &&
    cp "$PHOTOS/sk_rocket.jpg" bottom.jpg) || not_ok "deep tree"

mkfifo "$T/special/fifo"
ln -s . "$T/special/loop"
ln -s /dev/zero "$T/special/zero"
ln -s self "$T/special/self"

cat >"$TMP/list.txt" <<EOF
sha256 $(sha256sum "$PHOTOS/sk_rocket.jpg" | cut -c1-64) rocket-1
pdq-of $PHOTOS/sk_coffee.png coffee-1
pdq-of $PHOTOS/sk_chelsea.png cat-1
sha1 $(sha1sum "$PHOTOS/sk_astronaut.png" | cut -c1-40) astro known-good
EOF
check "list built" "$MKVHS" "$TMP/lists.vhs" <"$TMP/list.txt"

"$VIGIL" keygen --out "$TMP/sign" >/dev/null || not_ok "keygen"
K="$TMP/sign.key"
# Every run but the cache tests' reads every file (and leaves the system cache alone).
vscan() { "$VIGIL" scan --no-cache --sign-key "$K" "$@"; }
# The sealed report under $1 verifies against the pinned key.
verified() {
    local d=$1
    shift
    "$VIGIL" verify "$d"/vigil-* --pubkey "$TMP/sign.pub" "$@" >/dev/null
}

# records.jsonl of the only report under $1 -> $TMP/rec.jsonl
records() { cat "$1"/vigil-*/records.jsonl >"$TMP/rec.jsonl"; }
# jq-like checks with Debian's python3: q 'python expression over R (list of records)'
q() { "$PY" - "$TMP/rec.jsonl" "$1" <<'EOF'
import json, sys
R = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
M = [r for r in R if r["type"] == "match"]
F = [r for r in R if r["type"] == "file"]
FS = {f["seq"]: f for f in F}
def disp(r):  # the display path: outer!inner!inner
    return r.get("path", "") + "".join("!" + i["name"] for i in r.get("inner", []))
def matched(suffix, how):
    return any(disp(FS[m["file_seq"]]).endswith(suffix) and m["how"] == how for m in M)
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}

# ---- the big tree: matches and incomplete coverage -> 3 ----
expect_rc "matches + incomplete exit 3" 3 vscan "$T" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep1" -j 2
records "$TMP/rep1"
cp "$TMP/out" "$TMP/summary1"
check "plain photo by sha256" q 'matched("/plain/rocket.jpg", "sha256")'
check "renamed photo by sha256" q 'matched("/renamed/holiday-notes.txt", "sha256")'
check "re-encoded photo by pdq" q 'matched("/plain/coffee-q70.jpg", "pdq")'
check "mirrored photo by pdq (a dihedral form)" q 'matched("/plain/cat-mirrored.jpg", "pdq")'
check "in zip" q 'matched("/arch/photos.zip!x/rocket.bin", "sha256")'
check "in 7z" q 'matched("/arch/photos.7z!y/rocket.jpg", "sha256")'
check "nested zip > tar.gz" q 'matched("/arch/nested.zip!inner.tgz!a/rocket.jpg", "sha256")'
check "deeper than PATH_MAX" \
    q 'any(disp(FS[m["file_seq"]]).endswith("/bottom.jpg") and len(disp(FS[m["file_seq"]])) > 4096 for m in M)'
check "non-UTF-8 name kept exactly" q 'any("path_b64" in FS[m["file_seq"]] for m in M)'
check "newline in a name" q 'matched("new\nline.jpg", "sha256")'
check "known-good: no match, no pdq" \
    q 'any(f["path"].endswith("astronaut.png") and f["outcome"] == "clean" and "pdq" not in f for f in F)'
check "clean text file" q 'any(f["path"].endswith("readme.txt") and f["outcome"] == "clean" for f in F)'
check "fifo skipped" q 'any(f["path"].endswith("/fifo") and f["outcome"] == "skipped" and f["kind"] == "special file: fifo" for f in F)'
check "symlinks skipped with reason" \
    q 'sum(1 for f in F if f.get("kind") == "symlink not followed") == 3'
check "encrypted entry recorded" \
    q 'any(r["type"] == "error" and disp(r).endswith("locked.zip!hidden.jpg") for r in R)'
check "every match confirmed or probable" q 'all(m["kind"] in ("confirmed", "probable") for m in M)'
check "scan_end last, not interrupted" q 'R[-1]["type"] == "scan_end" and not R[-1]["interrupted"]'
check "seq consecutive" q '[r["seq"] for r in R] == list(range(1, len(R) + 1))'
check "sealed report verifies against the pinned key" verified "$TMP/rep1"
check "summary printed" grep -q "^Matches: " "$TMP/summary1"
check "summary says incomplete" grep -q "^Coverage: INCOMPLETE" "$TMP/summary1"
check "report folder 0700" [ "$(stat -c %a "$TMP"/rep1/vigil-*)" = 700 ]
check "records 0600" [ "$(stat -c %a "$TMP"/rep1/vigil-*/records.jsonl)" = 600 ]
check "no content in the report" bash -c "! grep -q JFIF '$TMP'/rep1/vigil-*/records.jsonl"

# ---- symlinks followed: the loop and /dev/zero are handled, nothing hangs ----
expect_rc "follow symlinks: still 3" 3 vscan "$T/special" "$T/plain" --follow-symlinks \
    --hashlist "$TMP/lists.vhs" --report "$TMP/rep2" -q
records "$TMP/rep2"
check "loop detected" q 'any(f.get("kind") == "symlink loop" for f in F)'
check "follow symlinks: report verifies" verified "$TMP/rep2"
check "/dev/zero never opened" q 'any(f["path"].endswith("/zero") and f["kind"] == "special file: character device" for f in F)'
check "quiet prints nothing" [ ! -s "$TMP/out" ]

# ---- exit codes one by one ----
mkdir -p "$TMP/clean" "$TMP/onlymatch" "$TMP/onlyerr"
echo hello >"$TMP/clean/a.txt"
cp "$PHOTOS/sk_rocket.jpg" "$TMP/onlymatch/r.jpg"
head -c 3000 "$PHOTOS/sk_rocket.jpg" >"$TMP/onlyerr/truncated.jpg"
expect_rc "clean and complete: 0" 0 vscan "$TMP/clean" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep3" -q
expect_rc "match only: 1" 1 vscan "$TMP/onlymatch" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep3" -q
expect_rc "truncated image: 2" 2 vscan "$TMP/onlyerr" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep4" -q
records "$TMP/rep4"
check "truncated image: error record" \
    q 'any(r["type"] == "error" and r["reason"].startswith("image not decoded") for r in R)'
check "truncated image: report verifies" verified "$TMP/rep4"

# ---- a bomb: a limit record, never a silent pass ----
head -c 8000000 /dev/zero | tr '\0' 'z' | gzip -9 >"$TMP/onlyerr2.gz"
mkdir -p "$TMP/bomb" && mv "$TMP/onlyerr2.gz" "$TMP/bomb/b.gz"
expect_rc "bomb over the entry limit: 2" 2 vscan "$TMP/bomb" --max-entry-size 1M \
    --hashlist "$TMP/lists.vhs" --report "$TMP/rep5" -q
records "$TMP/rep5"
check "limit record names the entry" \
    q 'any(r["type"] == "limit" and disp(r).endswith("b.gz!b") and r["limit"] == "max-entry-size" for r in R)'
check "bomb: report verifies" verified "$TMP/rep5"

# ---- could not scan: 4 ----
expect_rc "no hashlist: 4" 4 vscan "$TMP/clean" --report "$TMP/rep6"
expect_rc "no signing key: 4" 4 "$VIGIL" scan "$TMP/clean" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep6"
head -c 1000 /dev/urandom >"$TMP/junk.vhs"
expect_rc "unusable list: 4" 4 vscan "$TMP/clean" --hashlist "$TMP/junk.vhs" \
    --report "$TMP/rep6"
check "unusable list named" grep -q "junk.vhs" "$TMP/err"
touch "$TMP/afile"
expect_rc "report not writable: 4" 4 vscan "$TMP/clean" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/afile/sub"
expect_rc "bad option value: 4" 4 vscan "$TMP/clean" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep6" --jobs 0
expect_rc "help: 0" 0 vscan --help
check "help documents exit codes" grep -q "could not scan" "$TMP/out"
expect_rc "--preserve without --recipient: 4" 4 vscan "$TMP/clean" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep6" --preserve
expect_rc "unusable recipient certificate: 4" 4 vscan "$TMP/clean" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep6" --preserve --recipient "$TMP/junk.vhs"
openssl genpkey -algorithm ed25519 -out "$TMP/supplier.key" 2>/dev/null
openssl pkey -in "$TMP/supplier.key" -pubout -out "$TMP/supplier.pub" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$TMP/other.key" 2>/dev/null
openssl pkey -in "$TMP/other.key" -pubout -out "$TMP/other.pub" 2>/dev/null
cp "$TMP/lists.vhs" "$TMP/signed.vhs"
expect_rc "unsigned list with --hashlist-pubkey: 4" 4 vscan "$TMP/onlymatch" \
    --hashlist "$TMP/signed.vhs" --hashlist-pubkey "$TMP/supplier.pub" --report "$TMP/rep6"
"$VIGIL" hashlist sign --key "$TMP/supplier.key" "$TMP/signed.vhs" >/dev/null 2>&1
expect_rc "list signed by the trusted key: scanned (1)" 1 vscan "$TMP/onlymatch" \
    --hashlist "$TMP/signed.vhs" --hashlist-pubkey "$TMP/supplier.pub" --report "$TMP/rep6" -q
expect_rc "list signed by another key: 4" 4 vscan "$TMP/onlymatch" \
    --hashlist "$TMP/signed.vhs" --hashlist-pubkey "$TMP/other.pub" --report "$TMP/rep6"
check "refusal names the list" grep -q "signed.vhs" "$TMP/err"
expect_rc "bad --pdq-convention: 4" 4 vscan "$TMP/clean" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep6" --pdq-convention half

# ---- preservation: each matched file encrypted to the investigator, checked by stock openssl ----
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/inv.key" -out "$TMP/inv.crt" \
    -subj "/CN=test investigator" -days 2 2>/dev/null
mkdir -p "$TMP/pres"
cp "$PHOTOS/sk_rocket.jpg" "$TMP/pres/r.jpg"
cp "$T/plain/coffee-q70.jpg" "$T/arch/photos.7z" "$TMP/pres/"
echo "not on any list" >"$TMP/pres/note.txt"
expect_rc "preserve: matches, complete: 1" 1 vscan "$TMP/pres" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep14" --preserve --recipient "$TMP/inv.crt" --case --tsq
check "preserve: summary counts" grep -q "^Preserved: 3 (not preserved 0)" "$TMP/out"
records "$TMP/rep14"
check "preserve: one container per matched file, plaintext SHA-256 = the file's" q '(
len([p for p in R if p["type"] == "preserved"]) == 3 and
all(p["plain_sha256"] == FS[p["file_seq"]]["sha256"] for p in R if p["type"] == "preserved"))'
check "preserve: the 7z entry too" \
    q 'any(p["type"] == "preserved" and disp(FS[p["file_seq"]]).endswith("photos.7z!y/rocket.jpg") for p in R)'
check "preserve: report verifies, preserved files decrypted in memory" \
    verified "$TMP/rep14" --decrypt-key "$TMP/inv.key"
check "preserve: case.jsonld and summary.tsq written" \
    test -s "$(echo "$TMP"/rep14/vigil-*/case.jsonld)" -a -s "$(echo "$TMP"/rep14/vigil-*/summary.tsq)"
obj=$(grep -l . "$TMP"/rep14/vigil-*/preserved/*.cms | head -1)
openssl cms -decrypt -binary -inform DER -in "$obj" -inkey "$TMP/inv.key" -recip "$TMP/inv.crt" \
    -out "$TMP/plain.bin" 2>/dev/null
check "preserve: openssl cms -decrypt gives a file the records name" \
    grep -q "\"plain_sha256\":\"$(sha256sum "$TMP/plain.bin" | cut -c1-64)\"" "$TMP/rec.jsonl"
check "preserve: no image bytes outside preserved/" bash -c \
    "! grep -rlq JFIF --exclude-dir=preserved '$TMP'/rep14/vigil-*"
rm -f "$TMP/plain.bin"
expect_rc "preserve cap: not preserved is incomplete: 3" 3 vscan "$TMP/pres" \
    --hashlist "$TMP/lists.vhs" --report "$TMP/rep15" --preserve --recipient "$TMP/inv.crt" \
    --preserve-cap 1K
records "$TMP/rep15"
check "preserve cap: not_preserved records" q 'sum(1 for r in R if r["type"] == "not_preserved") == 3'
check "preserve cap: in scan_start" \
    q '{c["name"]: c["value"] for c in R[0]["config"]}["preserve-cap"] == "1024"'
expect_rc "--preserve-cap 0 refused: 4" 4 vscan "$TMP/pres" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep15z" --preserve --recipient "$TMP/inv.crt" --preserve-cap 0
check "preserve cap: report verifies" verified "$TMP/rep15"
"$VIGIL" scan "$TMP/pres" --cache "$TMP/c2.sqlite" --sign-key "$K" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep17" -q
expect_rc "preserve files served from the cache: 1" 1 "$VIGIL" scan "$TMP/pres" \
    --cache "$TMP/c2.sqlite" --sign-key "$K" --hashlist "$TMP/lists.vhs" --report "$TMP/rep18" \
    --preserve --recipient "$TMP/inv.crt"
check "preserve from the cache: 3 files were not read" grep -q "^From cache: 3" "$TMP/out"
check "preserve from the cache: all 3 matches preserved" grep -q "^Preserved: 3 (not preserved 0)" "$TMP/out"
check "preserve from the cache: verifies and decrypts" verified "$TMP/rep18" --decrypt-key "$TMP/inv.key"

# ---- the incremental cache: a re-scan only stats; new list entries find old files ----
C="$TMP/cache.sqlite"
expect_rc "first scan with a cache: 1" 1 "$VIGIL" scan "$T/plain" "$T/renamed" --cache "$C" --sign-key "$K" \
    --hashlist "$TMP/lists.vhs" --report "$TMP/rep9" -q
check "cache file 0600" [ "$(stat -c %a "$C")" = 600 ]
expect_rc "re-scan from the cache: 1" 1 "$VIGIL" scan "$T/plain" "$T/renamed" --cache "$C" --sign-key "$K" \
    --hashlist "$TMP/lists.vhs" --report "$TMP/rep10"
records "$TMP/rep10"
check "re-scan: every file from the cache" grep -q "^From cache: 6" "$TMP/out"
check "re-scan: digest match still found" q 'matched("/plain/rocket.jpg", "sha256")'
check "re-scan: pdq match from stored hashes" q 'matched("/plain/coffee-q70.jpg", "pdq")'
check "re-scan: dihedral match from stored hashes" q 'matched("/plain/cat-mirrored.jpg", "pdq")'
sha256sum "$T/plain/readme.txt" | cut -c1-64 | sed 's/^/sha256 /; s/$/ readme-1/' >>"$TMP/list.txt"
"$MKVHS" "$TMP/lists2.vhs" <"$TMP/list.txt"
expect_rc "new list entry, old file: 1" 1 "$VIGIL" scan "$T/plain" --cache "$C" --sign-key "$K" \
    --hashlist "$TMP/lists2.vhs" --report "$TMP/rep11" -q
records "$TMP/rep11"
check "new entry matched a cached file" q 'matched("/plain/readme.txt", "sha256")'
echo "changed" >>"$T/plain/readme.txt"
expect_rc "changed file re-read" 1 "$VIGIL" scan "$T/plain" --cache "$C" --sign-key "$K" \
    --hashlist "$TMP/lists2.vhs" --report "$TMP/rep12" -q
records "$TMP/rep12"
check "changed file re-read: no longer matches" \
    q 'any(f["path"].endswith("readme.txt") and f["outcome"] == "clean" for f in F)'
expect_rc "--no-cache reads everything" 1 "$VIGIL" scan "$T/plain" --no-cache --cache "$C" --sign-key "$K" \
    --hashlist "$TMP/lists2.vhs" --report "$TMP/rep13"
check "--no-cache: nothing from the cache" grep -q "^From cache: 0" "$TMP/out"

# ---- the cache serves only hashes made with the same result-affecting settings ----
cscan() { "$VIGIL" scan "$T/renamed" --cache "$C" --sign-key "$K" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/rep16" "$@" >"$TMP/out" 2>"$TMP/err"; }
cscan
check "same settings: from the cache" grep -q "^From cache: 1" "$TMP/out"
for opt in "--pdq-convention cli" "--no-dihedral" "--min-quality 40" "--max-entry-size 50M"; do
    # shellcheck disable=SC2086
    cscan $opt
    check "changed setting ($opt): not from the cache" grep -q "^From cache: 0" "$TMP/out"
    # shellcheck disable=SC2086
    cscan $opt
    check "same changed setting ($opt) again: from the cache" grep -q "^From cache: 1" "$TMP/out"
done
cscan
cscan --pdq-threshold 20 -j 1
check "threshold and jobs do not change hashes: from the cache" grep -q "^From cache: 1" "$TMP/out"

# ---- SIGTERM mid-scan: the report is complete and says interrupted ----
mkdir -p "$TMP/big"
truncate -s 16G "$TMP/big/sparse.bin"
# vigil itself in the background (not a shell function: the signal must reach vigil).
"$VIGIL" scan --no-cache --sign-key "$K" "$TMP/big" --hashlist "$TMP/lists.vhs" --report "$TMP/rep7" -q &
pid=$!
for _ in $(seq 200); do
    ls "$TMP"/rep7/vigil-*/records.jsonl >/dev/null 2>&1 && break
    sleep 0.05
done
sleep 0.2
kill -TERM "$pid"
wait "$pid"
rc=$?
check "interrupted: exit 2" [ "$rc" = 2 ]
records "$TMP/rep7"
check "interrupted: scan_end says so" q 'R[-1]["type"] == "scan_end" and R[-1]["interrupted"]'
check "interrupted report still sealed and verifiable" verified "$TMP/rep7"

# ---- as an unprivileged user: unreadable files are errors, the rest is scanned ----
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$TMP"
    mkdir -p "$TMP/priv/ok" "$TMP/out8"
    cp "$PHOTOS/sk_rocket.jpg" "$TMP/priv/ok/r.jpg"
    echo secret >"$TMP/priv/ok/hidden.txt"
    chmod 000 "$TMP/priv/ok/hidden.txt"
    chmod 644 "$TMP/lists.vhs"
    cp "$K" "$TMP/nobody.key" && chown nobody "$TMP/nobody.key"
    chown nobody "$TMP/out8"
    cp "$VIGIL" "$TMP/vigil-copy" && chmod 755 "$TMP/vigil-copy"
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$TMP/vigil-copy" scan --no-cache --sign-key "$TMP/nobody.key" "$TMP/priv" \
        --hashlist "$TMP/lists.vhs" --report "$TMP/out8" -q
    rc=$?
    check "as nobody: match and incomplete (3)" [ "$rc" = 3 ]
    records "$TMP/out8"
    check "as nobody: unreadable named with EACCES" \
        q 'any(r["type"] == "error" and r["path"].endswith("hidden.txt") and r["errno"] == 13 for r in R)'
    # Least privilege: the same user with only CAP_DAC_READ_SEARCH reads everything.
    if setpriv --inh-caps=+dac_read_search --ambient-caps=+dac_read_search true 2>/dev/null; then
        mkdir -p "$TMP/out9" && chown nobody "$TMP/out9"
        setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=+dac_read_search \
            --ambient-caps=+dac_read_search "$TMP/vigil-copy" scan --no-cache \
            --sign-key "$TMP/nobody.key" "$TMP/priv" --hashlist "$TMP/lists.vhs" \
            --report "$TMP/out9" -q
        rc=$?
        check "CAP_DAC_READ_SEARCH only: match, complete (1)" [ "$rc" = 1 ]
        records "$TMP/out9"
        check "CAP_DAC_READ_SEARCH only: the mode-000 file is hashed" \
            q 'any(f["path"].endswith("hidden.txt") and f["outcome"] == "clean" for f in F)'
        check "CAP_DAC_READ_SEARCH only: report verifies" verified "$TMP/out9"
    else
        echo "skipped: ambient capabilities not available here"
    fi
    chmod 644 "$TMP/priv/ok/hidden.txt"
else
    echo "skipped: unprivileged run needs root and setpriv"
fi
# ---- progress: on a terminal only (script(1) gives vigil a pty); never any content ----
if command -v script >/dev/null; then
    script -qec "'$VIGIL' scan --no-cache --sign-key '$K' '$TMP/onlymatch' --hashlist '$TMP/lists.vhs' --report '$TMP/rep19'" /dev/null >"$TMP/tty.out" 2>&1
    check "progress line on a terminal" grep -qa "1 files, .* MB/s, 1 matches" "$TMP/tty.out"
    check "no progress line when not a terminal" bash -c "! grep -qa 'MB/s' '$TMP/summary1'"
fi
finish
