#!/usr/bin/env bash
# test_bench.sh — `vigil bench --quick` (issue 7): every line and JSON field is there with a
# plausible value (rates above zero, the planted digests and PDQ codes found and nothing else,
# the tree's known file found), it works only in its own temporary folder and leaves nothing
# behind (also when stopped by SIGTERM or when a measurement fails), and bad usage is refused.
# No check depends on timing: rates are only required to be positive and finite.
. "$(dirname "$0")/lib.sh"
W="$TMP/work"
mkdir -p "$W"
empty() { [ -z "$(ls -A "$1")" ]; }

# ---- text ----
expect_rc "bench --quick (text): 0" 0 env TMPDIR="$W" "$VIGIL" bench --quick
cp "$TMP/out" "$TMP/text"
check "nothing left in TMPDIR" empty "$W"
check "nothing on stderr" test ! -s "$TMP/err"
line() { grep -qE "$1" "$TMP/text"; }
pos='[0-9]*[1-9][0-9]*(\.[0-9]+)?|[0-9]+\.[0-9]*[1-9][0-9]*' # a number above zero
check "says it is a quick run" line '^vigil bench --quick: small sizes, rough rates$'
check "CPU line" line '^CPU: .+, [1-9][0-9]* online$'
check "CPU features line" line '^CPU features:( [+-][a-z0-9_]+)+$|^CPU features: \(not known\)$'
check "SIMD level" line '^SIMD level \(Hamming kernels\): (scalar|popcnt|avx2|avx512|neon)$'
check "digest rate" line "^Digests \(MD5\+SHA-1\+SHA-256, one pass, [0-9]+ MB\): ($pos) MB/s per core$"
check "images line" line '^Images \(2 synthetic 1\.3 MP JPEGs; '
check "exact images/s" line "^  exact: ($pos) images/s per core$"
check "screening images/s, both cleared" \
    line "^  screening: ($pos) images/s per core \(2 of 2 cleared by the screen\)$"
check "index line" line '^Index \(2000 SHA-256 \+ 2000 PDQ entries, built in [0-9.]+ s CPU\):$'
check "digest look-ups: the planted 1 in 10 found" \
    line "^  digest look-ups: ($pos) /s per core \(2000 of 20000 found, as planted\)$"
check "PDQ searches: the planted 1 in 10 found" \
    line "^  PDQ searches, distance <= 31: ($pos) /s per core \(40 of 400 found, as planted\)$"
check "scan line" line '^Scan \(generated tree of 60 files, 6 images, [1-9][0-9]* jobs, no cache\):$'
check "scan rates, the known file found" \
    line "^  ($pos) files/s wall, ($pos) files per CPU second \(1 known file found\)$"
check "the SIMD level is the one --version names" \
    grep -qF "hamming kernels: $(sed -n 's/^SIMD level (Hamming kernels): //p' "$TMP/text")" \
    <("$VIGIL" --version)

# ---- JSON, with -j 1 and --dir ----
expect_rc "bench --quick --json -j 1 --dir: 0" 0 env TMPDIR=/nonexistent "$VIGIL" bench --quick \
    --json -j 1 --dir "$W"
check "nothing left in --dir" empty "$W"
check "JSON: every field present and plausible" python3 - "$TMP/out" <<'EOF'
import json, math, sys
r = json.load(open(sys.argv[1]))
def pos(x): return isinstance(x, (int, float)) and x > 0 and math.isfinite(x)
c = r["cpu"]
assert r["quick"] is True
assert isinstance(c["model"], str) and c["model"] and c["online"] >= 1
assert all(isinstance(v, bool) for v in c["features"].values())
assert c["simd"] in ("scalar", "popcnt", "avx2", "avx512", "neon")
assert pos(r["digests"]["mb"]) and pos(r["digests"]["mb_per_s"])
i = r["images"]
assert i["count"] == 2 and abs(i["megapixels"] - 1.31) < 0.01
assert pos(i["exact_per_s"]) and pos(i["screening_per_s"]) and i["cleared_by_screen"] == 2
x = r["index"]
assert x["sha256_entries"] == 2000 and x["pdq_entries"] == 2000 and x["build_cpu_s"] >= 0
assert x["digest_lookups"] == 20000 and x["digest_found"] == x["digest_planted"] == 2000
assert x["pdq_searches"] == 400 and x["pdq_found"] == x["pdq_planted"] == 40
assert x["pdq_radius"] == 31 and pos(x["digest_lookups_per_s"]) and pos(x["pdq_searches_per_s"])
s = r["scan"]
assert s["files"] == 60 and s["images"] == 6 and s["jobs"] == 1 and s["known_files_found"] == 1
assert pos(s["files_per_s"]) and pos(s["files_per_cpu_s"])
assert len(r) == 6, sorted(r)
EOF

# ---- failures: nothing left behind, exit 1 ----
mkdir -m 0500 "$TMP/ro"
if [ "$(id -u)" != 0 ]; then
    expect_rc "an unwritable --dir: 1" 1 "$VIGIL" bench --quick --dir "$TMP/ro"
    check "the folder is named" grep -q "cannot make a temporary folder in $TMP/ro" "$TMP/err"
fi
expect_rc "a missing --dir: 1" 1 "$VIGIL" bench --quick --dir "$TMP/missing"
check "the reason is given" grep -q "cannot make a temporary folder in $TMP/missing: No such file" \
    "$TMP/err"
check "no results printed on failure" test ! -s "$TMP/out"

# SIGTERM while it runs (a full run: minutes under the sanitizers, so the signal always comes
# while it works): it stops, removes its folder and exits 1.
env TMPDIR="$W" "$VIGIL" bench >"$TMP/sig.out" 2>"$TMP/sig.err" &
pid=$!
for _ in $(seq 600); do # until its temporary folder exists
    [ -n "$(ls -A "$W")" ] && break
    sleep 0.1
done
check "the full run made its folder" test -n "$(ls -A "$W")"
kill -TERM "$pid"
wait "$pid"
check "SIGTERM: exit 1" [ $? = 1 ]
check "SIGTERM: said so" grep -q "bench: interrupted: temporary files removed" "$TMP/sig.err"
check "SIGTERM: nothing left" empty "$W"
check "SIGTERM: no results printed" test ! -s "$TMP/sig.out"

# ---- usage ----
expect_rc "--help: 0" 0 "$VIGIL" bench --help
check "--help names every option" bash -c "grep -q -- --quick '$TMP/out' && grep -q -- --json \
    '$TMP/out' && grep -q -- --jobs '$TMP/out' && grep -q -- --dir '$TMP/out'"
expect_rc "-j 0: 3" 3 "$VIGIL" bench --quick -j 0
expect_rc "-j lots: 3" 3 "$VIGIL" bench --quick -j lots
expect_rc "an argument: 3" 3 "$VIGIL" bench --quick extra
expect_rc "an unknown option: 3" 3 "$VIGIL" bench --fast
check "usage errors leave nothing" empty "$W"
check "vigil --help lists bench" bash -c "'$VIGIL' --help | grep -qE '^  bench +measure'"
finish
