#!/usr/bin/env bash
# test_limits.sh — every resource limit of `vigil scan` hit end to end (UX_RESEARCH.md §2: a
# limit hit is recorded, never "assumed clean"): image pixels and decoder memory, archive
# depth, entries, expanded bytes per entry and per file, ratio; the report's own size
# (records.jsonl) and its preserved/ folder; and a hash-list line longer than the importers keep. Each: the default in --help, the option, exit 2 (incomplete), a
# "limit" record naming the path (and the limit), the effective value in scan_start.
. "$(dirname "$0")/lib.sh"
: "${MKVHS:?}" "${MKARC:?}"
PHOTOS="$VIGIL_TEST_DATA/photos"
PY=/usr/bin/python3

echo "sha256 $(printf x | sha256sum | cut -c1-64) nothing" >"$TMP/list.txt"
check "list built" "$MKVHS" "$TMP/lists.vhs" <"$TMP/list.txt"

"$VIGIL" keygen --out "$TMP/sign" >/dev/null || not_ok "keygen"
vscan() { "$VIGIL" scan --no-cache -q --sign-key "$TMP/sign.key" --hashlist "$TMP/lists.vhs" "$@"; }
# q REPORTPARENT 'python expression over R (records), L (limit records), C (scan_start config)'
q() { "$PY" - "$1" "$2" <<'EOF'
import glob, json, sys
R = [json.loads(l) for f in glob.glob(sys.argv[1] + "/vigil-*/records.jsonl") for l in open(f)]
L = [r for r in R if r["type"] == "limit"]
C = {c["name"]: c["value"] for c in R[0]["config"]}
FS = {r["seq"]: r for r in R if r["type"] == "file"}
def disp(r):  # the display path: outer!inner!inner
    return r.get("path", "") + "".join("!" + i["name"] for i in r.get("inner", []))
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}
# The sealed report under $1 verifies against the pinned key.
verified() {
    local d=$1
    shift
    "$VIGIL" verify "$d"/vigil-* --pubkey "$TMP/sign.pub" "$@" >/dev/null
}

"$VIGIL" scan --help >"$TMP/help"
for opt in "--max-pixels N .*" "--max-image-memory SIZE .*1G" "--max-depth N .*17" \
    "--max-files N .*10000" "--max-entry-size SIZE .*" "--max-scan-size SIZE" \
    "--max-ratio N .*" "--max-time SECONDS .*120" "--max-report-size SIZE .*" \
    "--max-preserve-size SIZE .*16G"; do
    check "help documents $opt" grep -q -e "$opt" "$TMP/help"
done

# ---- images: a header claiming 20000 x 20000 pixels, refused before any pixel memory ----
mkdir -p "$TMP/img"
"$PY" - "$TMP/img/bomb.png" <<'EOF'
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"\0" * 20001 * 4)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
EOF
expect_rc "pixel bomb under the default limit: 2" 2 vscan "$TMP/img" --report "$TMP/r1"
check "pixel bomb: limit record max-pixels with the claimed size" \
    q "$TMP/r1" 'any(disp(r).endswith("bomb.png") and r["limit"] == "max-pixels" and r["value"] == 20000 * 20000 and r["max"] == 100000000 for r in L)'
check "default max-pixels in scan_start" q "$TMP/r1" 'C["max-pixels"] == "100000000"'
check "report with a limit record verifies" verified "$TMP/r1"

mkdir -p "$TMP/photo" && cp "$PHOTOS/sk_rocket.jpg" "$TMP/photo/r.jpg"
expect_rc "photo above --max-pixels: 2" 2 vscan "$TMP/photo" --max-pixels 1000 --report "$TMP/r2"
check "max-pixels: limit record with the photo's pixels and the limit" \
    q "$TMP/r2" 'any(disp(r).endswith("r.jpg") and r["limit"] == "max-pixels" and r["value"] > 1000 and r["max"] == 1000 for r in L)'
check "max-pixels: digests still recorded" \
    q "$TMP/r2" 'any(r["type"] == "file" and r["path"].endswith("r.jpg") and "sha256" in r for r in R)'
check "max-pixels in scan_start" q "$TMP/r2" 'C["max-pixels"] == "1000"'
expect_rc "photo above --max-image-memory: 2" 2 vscan "$TMP/photo" --max-image-memory 16K \
    --report "$TMP/r3"
check "max-image-memory: limit record with the memory needed and the budget" \
    q "$TMP/r3" 'any(disp(r).endswith("r.jpg") and r["limit"] == "max-image-memory" and r["value"] > 16384 and r["max"] == 16384 for r in L)'
check "max-image-memory in scan_start" q "$TMP/r3" 'C["max-image-memory"] == "16384"'
expect_rc "photo within the limits: 0" 0 vscan "$TMP/photo" --report "$TMP/r4"
expect_rc "--max-pixels 0 refused: 4" 4 vscan "$TMP/photo" --max-pixels 0 --report "$TMP/r5"
expect_rc "--max-image-memory junk refused: 4" 4 vscan "$TMP/photo" --max-image-memory 1X \
    --report "$TMP/r5"

# ---- archives: depth, entries, bytes per entry, bytes per file, ratio ----
mkdir -p "$TMP/arc" "$TMP/a"
echo hello >"$TMP/a/t.txt"
"$MKARC" "$TMP/a/z1.zip" zip - - t.txt="$TMP/a/t.txt"
"$MKARC" "$TMP/a/z2.zip" zip - - z1.zip="$TMP/a/z1.zip"
"$MKARC" "$TMP/arc/z3.zip" zip - - z2.zip="$TMP/a/z2.zip"
expect_rc "nesting deeper than --max-depth: 2" 2 vscan "$TMP/arc" --max-depth 2 --report "$TMP/a1"
check "max-depth: limit record" q "$TMP/a1" 'any(r["limit"] == "max-depth" for r in L)'
check "max-depth in scan_start" q "$TMP/a1" 'C["max-depth"] == "2"'
expect_rc "the same within the default depth: 0" 0 vscan "$TMP/arc" --report "$TMP/a2"

rm -f "$TMP/arc/"*
"$MKARC" "$TMP/arc/five.zip" zip - - 1=/dev/null 2="$TMP/a/t.txt" 3="$TMP/a/t.txt" \
    4="$TMP/a/t.txt" 5="$TMP/a/t.txt"
expect_rc "more entries than --max-files: 2" 2 vscan "$TMP/arc" --max-files 3 --report "$TMP/a3"
check "max-files: limit record" q "$TMP/a3" \
    'any(r["limit"] == "max-files" and r["max"] == 3 for r in L)'

rm -f "$TMP/arc/"*
head -c 1500000 /dev/urandom >"$TMP/a/noise"
"$MKARC" "$TMP/arc/big.tar" ustar - - n1="$TMP/a/noise" n2="$TMP/a/noise" n3="$TMP/a/noise"
expect_rc "entry over --max-entry-size: 2" 2 vscan "$TMP/arc" --max-entry-size 1M \
    --report "$TMP/a4"
check "max-entry-size: every entry recorded" \
    q "$TMP/a4" 'sum(1 for r in L if r["limit"] == "max-entry-size") == 3'
expect_rc "file over --max-scan-size: 2" 2 vscan "$TMP/arc" --max-scan-size 2M --report "$TMP/a5"
check "max-scan-size: limit record" q "$TMP/a5" \
    'any(r["limit"] == "max-scan-size" and r["max"] == 2097152 for r in L)'
check "max-scan-size: the entry that fits is hashed" \
    q "$TMP/a5" 'any(r["type"] == "file" and disp(r).endswith("big.tar!n1") for r in R)'

rm -f "$TMP/arc/"*
# ('z' bytes: an all-zero stream reads as an empty tar, with no entry at all)
head -c 12000000 /dev/zero | tr '\0' z | gzip -9 >"$TMP/arc/zeros.gz"
expect_rc "ratio over --max-ratio: 2" 2 vscan "$TMP/arc" --max-ratio 100 --report "$TMP/a6"
check "max-ratio: limit record" q "$TMP/a6" 'any(r["limit"] == "max-ratio" for r in L)'
expect_rc "ratio guard off: 0" 0 vscan "$TMP/arc" --max-ratio 0 --report "$TMP/a7"

# ---- per-file read size: digests stream, so no limit; an image too large to decode is one ----
mkdir -p "$TMP/big"
cp "$PHOTOS/sk_rocket.jpg" "$TMP/big/r.jpg"
head -c 3000000 /dev/urandom >"$TMP/big/plain.bin"
expect_rc "files over --max-entry-size and --max-scan-size: 2 (the image)" 2 vscan "$TMP/big" \
    --max-entry-size 64K --max-scan-size 1M --report "$TMP/b1"
check "image over max-entry-size: limit record, digests kept" q "$TMP/b1" \
    'any(r["limit"] == "max-entry-size" and disp(r).endswith("r.jpg") for r in L) and any(r["type"] == "file" and r["path"].endswith("r.jpg") and r["sha256"] == "'"$(sha256sum <"$TMP/big/r.jpg" | cut -c1-64)"'" and "pdq" not in r for r in R)'
check "plain file over every size limit: hashed whole, no limit" q "$TMP/b1" \
    'any(r["type"] == "file" and r["path"].endswith("plain.bin") and r["size"] == 3000000 and r["sha256"] == "'"$(sha256sum <"$TMP/big/plain.bin" | cut -c1-64)"'" for r in R) and not any(disp(r).endswith("plain.bin") for r in L)'

# ---- report size: records.jsonl stops at --max-report-size, the scan stops, the report seals ----
mkdir -p "$TMP/many"
for i in $(seq 1 400); do echo "$i" >"$TMP/many/file-with-a-longish-name-$i.txt"; done
expect_rc "more records than --max-report-size holds: 2" 2 vscan "$TMP/many" \
    --max-report-size 32K --report "$TMP/s1"
check "max-report-size: one limit record, no path" q "$TMP/s1" \
    '[(r["limit"], r["max"], "path" in r) for r in L] == [("max-report-size", 32768, False)]'
check "max-report-size: files before it recorded, not all" \
    q "$TMP/s1" '0 < sum(1 for r in R if r["type"] == "file") < 400'
check "max-report-size: scan_end follows, counts the limit" \
    q "$TMP/s1" 'R[-1]["type"] == "scan_end" and R[-1]["counts"]["limits"] == 1'
check "max-report-size: records.jsonl stopped near it" \
    [ "$(cat "$TMP"/s1/vigil-*/records.jsonl | wc -c)" -lt $((32768 + 2048)) ]
check "max-report-size in scan_start" q "$TMP/s1" 'C["max-report-size"] == "32768"'
check "full report verifies" verified "$TMP/s1"
expect_rc "the same tree within the default: 0" 0 vscan "$TMP/many" --report "$TMP/s2"
check "default max-report-size in scan_start" q "$TMP/s2" 'C["max-report-size"] == "4294967296"'
check "default max-preserve-size in scan_start" q "$TMP/s2" \
    'C["max-preserve-size"] == "17179869184"'
check "default preserve-cap in scan_start" q "$TMP/s2" 'C["preserve-cap"] == "1073741824"'
check "every file recorded" q "$TMP/s2" 'sum(1 for r in R if r["type"] == "file") == 400'
expect_rc "--max-report-size 0 refused: 4" 4 vscan "$TMP/many" --max-report-size 0 \
    --report "$TMP/s3"

# ---- preserved/: the containers stop at --max-preserve-size; a file that would cross it is
# not preserved (recorded), the others still are ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$TMP/inv.key" \
    -out "$TMP/inv.crt" -subj "/CN=test investigator" -days 2 2>/dev/null
mkdir -p "$TMP/pres"
head -c 20000 /dev/urandom >"$TMP/pres/a.bin"
head -c 60000 /dev/urandom >"$TMP/pres/b.bin"
head -c 10000 /dev/urandom >"$TMP/pres/c.bin"
for f in a b c; do echo "sha256 $(sha256sum <"$TMP/pres/$f.bin" | cut -c1-64) $f"; done >"$TMP/pl.txt"
check "preserve list built" "$MKVHS" "$TMP/pres.vhs" <"$TMP/pl.txt"
# b's container (> 60000 bytes) can never fit in 40K; a's and c's (about 30300) both do.
pscan() { vscan "$TMP/pres" --hashlist "$TMP/pres.vhs" --preserve --recipient "$TMP/inv.crt" "$@"; }
presbudget() { # presbudget REPORTPARENT: the checks of a run within a 40K budget
    check "max-preserve-size: b not preserved, reason names the limit" q "$1" \
        '[(disp(FS[r["file_seq"]]), r["reason"]) for r in R if r["type"] == "not_preserved"] == [("'"$TMP/pres/b.bin"'", "limit max-preserve-size")]'
    check "max-preserve-size: a and c preserved" q "$1" \
        'sorted(disp(FS[r["file_seq"]]) for r in R if r["type"] == "preserved") == ["'"$TMP/pres/a.bin"'", "'"$TMP/pres/c.bin"'"]'
    check "max-preserve-size: scan_end counts" q "$1" \
        '(R[-1]["counts"]["preserved"], R[-1]["counts"]["not_preserved"]) == (2, 1)'
    check "max-preserve-size: preserved/ within 40K, no partial container" bash -c \
        "[ \$(cat '$1'/vigil-*/preserved/* | wc -c) -le 40960 ] && ! ls '$1'/vigil-*/preserved/*.tmp 2>/dev/null"
    check "max-preserve-size: in scan_start" q "$1" 'C["max-preserve-size"] == "40960"'
    check "max-preserve-size: report verifies and decrypts" \
        verified "$1" --decrypt-key "$TMP/inv.key"
}
expect_rc "matches over --max-preserve-size: matches + incomplete: 3" 3 pscan \
    --max-preserve-size 40K --report "$TMP/p1"
presbudget "$TMP/p1"
printf '[scan]\nmax-preserve-size = 40K\nlock = %s\n' "$TMP/p.lock" >"$TMP/p.conf"
expect_rc "max-preserve-size from the settings file: 3" 3 pscan --config "$TMP/p.conf" \
    --report "$TMP/p2"
presbudget "$TMP/p2"
expect_rc "the same within the default budget: matches, complete: 1" 1 pscan --report "$TMP/p3"
check "default budget: all three preserved" q "$TMP/p3" \
    'sum(1 for r in R if r["type"] == "preserved") == 3'
expect_rc "--max-preserve-size 0 refused: 4" 4 pscan --max-preserve-size 0 --report "$TMP/p4"

# A 900 KB entry name, not UTF-8, from a 1 KB tar (pax header; libarchive takes up to 1 MiB):
# its record (the name and its _b64 twin) would be longer than any reader should accept
# (VG_EV_RECORD_MAX), so a max-record-size limit record stands in; the scan goes on.
mkdir -p "$TMP/longname"
"$PY" - "$TMP/longname/names.tar" <<'EOF2'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz", format=tarfile.PAX_FORMAT, errors="surrogateescape") as t:
    for name in ("d\udcff/" * 300000 + "deep.txt", "short.txt"):
        ti = tarfile.TarInfo(name)
        ti.size = 3
        t.addfile(ti, io.BytesIO(b"abc"))
EOF2
check "tar with a 900 KB entry name is small" [ "$(wc -c <"$TMP/longname/names.tar")" -lt 4000 ]
expect_rc "record longer than VG_EV_RECORD_MAX: 2" 2 vscan "$TMP/longname" --report "$TMP/s4"
check "max-record-size: limit record, no path" q "$TMP/s4" \
    '[(r["limit"], "path" in r) for r in L] == [("max-record-size", False)]'
check "max-record-size: the next entry recorded" \
    q "$TMP/s4" 'any(r["type"] == "file" and disp(r).endswith("names.tar!short.txt") for r in R)'
check "max-record-size: no line over 1 MiB" \
    [ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$TMP"/s4/vigil-*/records.jsonl)" -lt 1048576 ]
check "report with a max-record-size record verifies" verified "$TMP/s4"

# ---- hash lists: a line longer than VG_HSET_LINE_MAX (64 KiB) is a bad record ----
{
    echo "d41d8cd98f00b204e9800998ecf84270"
    head -c 5000000 /dev/zero | tr '\0' 'a'
    echo
    echo "0cc175b9c0f1b6a831c399e269772661"
} >"$TMP/long.txt"
expect_rc "5 MB line: a bad record, nothing written" 2 "$VIGIL" hashlist build \
    -o "$TMP/long.vhs" "$TMP/long.txt"
check "named by line, not by value" grep -q "long.txt:2: line longer than 65536 bytes" "$TMP/err"
check "message is short" [ "$(wc -c <"$TMP/err")" -lt 1000 ]
expect_rc "5 MB line with --skip-bad: built" 0 "$VIGIL" hashlist build --skip-bad \
    -o "$TMP/long.vhs" "$TMP/long.txt"

finish
