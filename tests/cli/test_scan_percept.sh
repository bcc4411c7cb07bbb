#!/usr/bin/env bash
# test_scan_percept.sh — `vigil scan` with the fast screen and trimmed PDQ, end to end through the
# sealed report: a large JPEG far from the lists is cleared ("pdq_screened", no PDQ), one on a
# list is re-hashed and reported with its exact PDQ; a bordered copy matches through its trimmed
# content ("pdq_of": "trimmed", "pdq_trimmed_from"); a mirrored copy names its dihedral form;
# --exact-decode gives the same matches; a cleared image cached with its screening hashes is
# read again once a list gains a code near it.
. "$(dirname "$0")/lib.sh"
: "${MKVHS:?}" "${MKARC:?}" "${REENCODE:?}"
PHOTOS="$VIGIL_TEST_DATA/photos"
PY=/usr/bin/python3

T="$TMP/tree"
mkdir -p "$T"
cp "$PHOTOS/kde_Kite_2560x1600.jpg" "$T/kite.jpg"
cp "$PHOTOS/kde_Grey_2560x1600.jpg" "$T/grey.jpg"
"$REENCODE" "$PHOTOS/sk_coffee.png" "$T/coffee-framed.jpg" 92 border=24
"$REENCODE" "$PHOTOS/sk_chelsea.png" "$T/cat-mirrored.jpg" 85 mirror
cat >"$TMP/list.txt" <<EOF
pdq-of $PHOTOS/kde_Kite_2560x1600.jpg kite-1
pdq-of $PHOTOS/sk_coffee.png coffee-1
pdq-of $PHOTOS/sk_chelsea.png cat-1
EOF
check "list built" "$MKVHS" "$TMP/lists.vhs" <"$TMP/list.txt"
"$VIGIL" keygen --out "$TMP/sign" >/dev/null || not_ok "keygen"
K="$TMP/sign.key"
vscan() { "$VIGIL" scan --sign-key "$K" "$@"; }
verified() { "$VIGIL" verify "$1"/vigil-* --pubkey "$TMP/sign.pub" >/dev/null; }
records() { cat "$1"/vigil-*/records.jsonl >"$TMP/rec.jsonl"; }
q() { "$PY" - "$TMP/rec.jsonl" "$1" <<'EOF'
import json, sys
R = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
M = [r for r in R if r["type"] == "match"]
F = [r for r in R if r["type"] == "file"]
FS = {f["seq"]: f for f in F}
def f(name):  # the file itself, not an image embedded in it
    return [x for x in F if x["path"].endswith("/" + name) and "inner" not in x][0]
def m(name):
    return [x for x in M if FS[x["file_seq"]] is f(name)]
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}
# The matches of a report as sorted text: path, entry, how, distance, pdq_of, dihedral.
matches() { "$PY" - "$1" <<'EOF'
import glob, json, sys
R = [json.loads(l) for l in open(glob.glob(sys.argv[1] + "/vigil-*/records.jsonl")[0])]
FS = {r["seq"]: r for r in R if r["type"] == "file"}
def name(r):
    return r["path"].rsplit("/", 1)[1] + "".join(i["name"] for i in r.get("inner", []))
for x in sorted((name(FS[m["file_seq"]]), m["entry"], m["how"],
                 m.get("distance"), m.get("pdq_of"), m.get("dihedral")) for m in R if m["type"] == "match"):
    print(*x)
EOF
}

# ---- the screen, trimmed content, dihedral forms ----
expect_rc "matches: 1" 1 vscan --no-cache "$T" --hashlist "$TMP/lists.vhs" --report "$TMP/r1"
records "$TMP/r1"
check "report verifies" verified "$TMP/r1"
check "a cleared JPEG: pdq_screened, no PDQ, no match" \
    q 'f("grey.jpg").get("pdq_screened") is True and "pdq" not in f("grey.jpg") and not m("grey.jpg")'
check "a listed JPEG: re-hashed exactly, distance 0, as is" \
    q 'f("kite.jpg")["pdq"] and "pdq_screened" not in f("kite.jpg") and [(x["distance"], x["pdq_of"], x["dihedral"]) for x in m("kite.jpg")] == [(0, "image", "original")]'
check "a bordered copy: trimmed PDQ, its rectangle, matched through it" \
    q 'f("coffee-framed.jpg")["pdq_trimmed_from"] == {"x": 24, "y": 24, "width": 600, "height": 400} and f("coffee-framed.jpg")["pdq_trimmed_quality"] >= 50 and [x["pdq_of"] for x in m("coffee-framed.jpg")] == ["trimmed"] and m("coffee-framed.jpg")[0]["quality"] == f("coffee-framed.jpg")["pdq_trimmed_quality"]'
check "a mirrored copy: dihedral flipy" q '[x["dihedral"] for x in m("cat-mirrored.jpg")] == ["flipy"]'
check "digest matches carry no PDQ fields" q 'all("pdq_of" not in x and "dihedral" not in x for x in M if x["how"] != "pdq")'
check "exact-decode=no recorded" q '{"name": "exact-decode", "value": "no"} in R[0]["config"]'
matches "$TMP/r1" >"$TMP/m1"

expect_rc "--exact-decode: 1" 1 vscan --no-cache --exact-decode "$T" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/r2"
records "$TMP/r2"
matches "$TMP/r2" >"$TMP/m2"
check "--exact-decode: the same matches" cmp -s "$TMP/m1" "$TMP/m2"
check "4 matches, one of them the kite's EXIF thumbnail" \
    bash -c "[ \$(wc -l <'$TMP/m1') = 4 ] && grep -q '^kite.jpg#exif-thumbnail kite-1 pdq' '$TMP/m1'"
check "--exact-decode: recorded" q '{"name": "exact-decode", "value": "yes"} in R[0]["config"]'
check "--exact-decode: every image has its PDQ" \
    q 'all("pdq" in x and "pdq_screened" not in x for x in F)'
check "--exact-decode: report verifies" verified "$TMP/r2"

# ---- the cache keeps a cleared image's screening hashes and probes them again ----
C="$TMP/cache.sqlite"
vscan "$T" --cache "$C" --hashlist "$TMP/lists.vhs" --report "$TMP/r3" -q
expect_rc "re-scan from the cache: 1" 1 vscan "$T" --cache "$C" --hashlist "$TMP/lists.vhs" \
    --report "$TMP/r4"
check "re-scan: all 4 from the cache" grep -q "^From cache: 4" "$TMP/out"
records "$TMP/r4"
check "re-scan: the cleared JPEG is still cleared" q 'f("grey.jpg").get("pdq_screened") is True'
matches "$TMP/r4" >"$TMP/m4"
check "re-scan: the same matches" cmp -s "$TMP/m1" "$TMP/m4"
echo "pdq-of $PHOTOS/kde_Grey_2560x1600.jpg grey-1" >>"$TMP/list.txt"
"$MKVHS" "$TMP/lists2.vhs" <"$TMP/list.txt" || not_ok "list 2"
expect_rc "list gains the grey photo: 1" 1 vscan "$T" --cache "$C" --hashlist "$TMP/lists2.vhs" \
    --report "$TMP/r5"
check "the cleared JPEG is read again (3 from the cache)" grep -q "^From cache: 3" "$TMP/out"
records "$TMP/r5"
check "and matched with its exact PDQ" \
    q '"pdq" in f("grey.jpg") and [(x["entry"], x["distance"]) for x in m("grey.jpg")] == [("grey-1", 0)]'
check "cache: report verifies" verified "$TMP/r5"

finish
