#!/usr/bin/env bash
# test_scan_percept.sh — `vigil scan` with the fast screen and trimmed PDQ, end to end through the
# sealed report: a large JPEG far from the lists is cleared ("pdq_screened", no PDQ), one on a
# list is re-hashed and reported with its exact PDQ; a bordered copy matches through its trimmed
# content ("pdq_of": "trimmed", "pdq_trimmed_from"); a mirrored copy names its dihedral form;
# --exact-decode gives the same matches; a cleared image cached with its screening hashes is
# read again once a list gains a code near it. Also: the command line starts at argv[0]; a
# matched entry that cannot be preserved is a not_preserved record (not an error); errors are
# grouped by errno in the summary.
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
check "command line from argv[0]" \
    q '[a["arg"] for a in R[0]["command_line"]][:2] == ["'"$VIGIL"'", "scan"]'
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

# ---- a matched entry that cannot be preserved: not_preserved, not an error ----
echo "a note on a list" >"$TMP/note.txt"
echo "sha256 $(sha256sum "$TMP/note.txt" | cut -c1-64) note-1" >"$TMP/list3.txt"
"$MKVHS" "$TMP/lists3.vhs" <"$TMP/list3.txt" || not_ok "list 3"
mkdir -p "$TMP/pres"
"$MKARC" "$TMP/pres/mail.zip" zip - - docs/note.txt="$TMP/note.txt"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/inv.key" -out "$TMP/inv.crt" \
    -subj "/CN=test investigator" -days 2 2>/dev/null
expect_rc "a streamed entry cannot be preserved: incomplete (3)" 3 vscan --no-cache "$TMP/pres" \
    --hashlist "$TMP/lists3.vhs" --report "$TMP/r6" --preserve --recipient "$TMP/inv.crt"
records "$TMP/r6"
check "not_preserved record naming the matched entry, no error record" \
    q '[FS[x["file_seq"]]["inner"][-1]["name"] for x in R if x["type"] == "not_preserved"] == ["docs/note.txt"] and not [x for x in R if x["type"] == "error"]'
check "summary: not preserved 1" grep -q "^Preserved: 0 (not preserved 1)" "$TMP/out"
check "not_preserved: report verifies" verified "$TMP/r6"

# ---- errors grouped by errno in the summary (needs a user root's bypass does not cover) ----
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$TMP"
    mkdir -p "$TMP/priv" "$TMP/r7"
    echo a >"$TMP/priv/a.txt"
    echo b >"$TMP/priv/b.txt"
    echo c >"$TMP/priv/c.txt"
    chmod 000 "$TMP/priv/a.txt" "$TMP/priv/b.txt"
    chmod 644 "$TMP/lists3.vhs"
    cp "$K" "$TMP/nobody.key" && chown nobody "$TMP/nobody.key" "$TMP/r7"
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$VIGIL" scan --no-cache \
        --sign-key "$TMP/nobody.key" "$TMP/priv" --hashlist "$TMP/lists3.vhs" --report "$TMP/r7" \
        >"$TMP/out7" 2>&1
    check "as nobody: incomplete (2)" [ $? = 2 ]
    check "summary: errors grouped by errno" \
        grep -Pzq "Errors: 2\n  Permission denied: 2\nLimits hit" "$TMP/out7"
else
    echo "skipped: the errno summary needs root and setpriv"
fi
finish
