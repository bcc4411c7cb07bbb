#!/usr/bin/env bash
# test_hash_pdq.sh — `vigil hash` PDQ of images (by content) in every output format, equal to
# Meta's reference (the corpus TSVs), read once, and robust to undecodable images.
. "$(dirname "$0")/lib.sh"

P=$VIGIL_TEST_DATA/photos
D=$TMP/img
mkdir -p "$D"
cp "$P/sk_rocket.jpg" "$P/sk_hubble_deep_field.jpg" "$P/sk_coins.png" "$D/"
cp "$P/sk_chelsea.png" "$D/renamed.txt"      # an image whatever its name
printf 'not an image' >"$D/fake.jpg"        # a name is not content
head -c 3000 "$P/sk_rocket.jpg" >"$D/truncated.jpg"
cd "$D" || exit 1

# --- jsonl: pdq, quality and dihedrals equal the reference TSVs, both conventions ---
"$VIGIL" hash --format=jsonl --dihedral ./*.jpg ./*.png >"$TMP/full.js" 2>"$TMP/full.err"
check "jsonl exits 0 with an undecodable image among them" test $? = 0
"$VIGIL" hash --format=jsonl --dihedral --pdq-convention=cli ./*.jpg ./*.png >"$TMP/cli.js" 2>/dev/null
check_tsv() {
    python3 - "$1" "$2" "$3" "$4" <<'PY'
import csv, json, sys
js, tsv, hcol, qcol = sys.argv[1:]
ref = {r["filename"]: r for r in csv.DictReader(open(tsv), delimiter="\t")}
dih = ["dih_original", "dih_rotate90", "dih_rotate180", "dih_rotate270", "dih_flipx", "dih_flipy",
       "dih_flipplus1", "dih_flipminus1"]
n = 0
for line in open(js):
    o = json.loads(line)
    name = o["path"][2:]
    if name not in ref:
        continue
    r = ref[name]
    assert o["pdq"] == r[hcol], (name, o["pdq"], r[hcol])
    assert o["pdq_quality"] == int(r[qcol]), name
    assert o["pdq_dihedral"] == [r[c] for c in dih], name
    n += 1
assert n == 3, n
PY
}
check "jsonl pdq/quality/dihedral equal pdq_reference_fullres.tsv" \
    check_tsv "$TMP/full.js" "$P/pdq_reference_fullres.tsv" pdq_hex_fullres quality_fullres
check "--pdq-convention=cli equals pdq_reference_cli.tsv" \
    check_tsv "$TMP/cli.js" "$P/pdq_reference_cli.tsv" pdq_hex quality
check "jsonl digests equal sha256sum/md5sum, images included" python3 -c '
import json,sys,hashlib
for line in open(sys.argv[1]):
    o=json.loads(line); b=open(o["path"],"rb").read()
    assert o["size"]==len(b) and o["sha256"]==hashlib.sha256(b).hexdigest(), o["path"]
    assert o["md5"]==hashlib.md5(b).hexdigest() and o["sha1"]==hashlib.sha1(b).hexdigest()' "$TMP/full.js"
check "an image is recognised by content, not name" python3 -c '
import json,sys
objs={json.loads(l)["path"]:json.loads(l) for l in open(sys.argv[1])}
assert "pdq" in objs["./renamed.txt"], objs["./renamed.txt"]
assert "pdq" not in objs["./fake.jpg"] and "pdq_error" not in objs["./fake.jpg"]' \
    <("$VIGIL" hash --format=jsonl ./renamed.txt ./fake.jpg)
check "undecodable image: pdq_error with the reason, digests kept" python3 -c '
import json,sys
o=[json.loads(l) for l in open(sys.argv[1]) if "truncated" in l][0]
assert "pdq" not in o and "truncated" in o["pdq_error"] and len(o["sha256"])==64, o' "$TMP/full.js"
check "undecodable image named on stderr" grep -qF "vigil: ./truncated.jpg: no PDQ: jpeg: Premature end of JPEG file (truncated)" "$TMP/full.err"

# --- hashdeep: extra columns, documented header; --no-pdq is hashdeep's format exactly ---
"$VIGIL" hash sk_rocket.jpg fake.jpg >"$TMP/hd"
check "hashdeep header names the pdq columns" grep -qx '%%%% size,md5,sha1,sha256,pdq,pdq_quality,filename' "$TMP/hd"
want=$(python3 -c '
import csv
r={r["filename"]:r for r in csv.DictReader(open("'"$P"'/pdq_reference_fullres.tsv"),delimiter="\t")}["sk_rocket.jpg"]
print(r["pdq_hex_fullres"]+","+r["quality_fullres"])')
check "hashdeep image row carries pdq,quality before the name" grep -q ",$want,sk_rocket.jpg\$" "$TMP/hd"
check "hashdeep non-image row has empty pdq fields" grep -q "[0-9a-f]\{64\},,,fake.jpg\$" "$TMP/hd"
"$VIGIL" hash --dihedral sk_rocket.jpg >"$TMP/hdd"
check "hashdeep --dihedral header" grep -qx '%%%% size,md5,sha1,sha256,pdq,pdq_quality,pdq_dihedral,filename' "$TMP/hdd"
check "hashdeep --dihedral: 8 ':'-joined hashes" \
    grep -q ",[0-9a-f]\{64\}\(:[0-9a-f]\{64\}\)\{7\},sk_rocket.jpg\$" "$TMP/hdd"
"$VIGIL" hash --no-pdq sk_rocket.jpg >"$TMP/hdn"
check "--no-pdq: hashdeep header exactly" grep -qx '%%%% size,md5,sha1,sha256,filename' "$TMP/hdn"
check "--no-pdq: hashdeep audit accepts it" bash -c "hashdeep -l -a -k '$TMP/hdn' sk_rocket.jpg >/dev/null 2>&1"

# --- sum: digests unchanged; --algo=pdq lists images only ---
check "sum format unchanged by images (sha256sum -c accepts)" \
    bash -c "'$VIGIL' hash --format=sum ./*.jpg ./*.png ./*.txt 2>/dev/null | sha256sum --quiet -c"
"$VIGIL" hash --format=sum --algo=pdq ./*.jpg ./*.png ./renamed.txt >"$TMP/sum" 2>/dev/null
check "--algo=pdq: one line per decodable image" test "$(wc -l <"$TMP/sum")" = 4
check "--algo=pdq: sha256sum-shaped lines" grep -q "^$(echo "$want" | cut -d, -f1)  ./sk_rocket.jpg\$" "$TMP/sum"

# --- stdin, options ---
check "stdin image gets its pdq" bash -c "'$VIGIL' hash --format=jsonl - <sk_coins.png | grep -q '\"pdq\":\"'"
expect_rc "bad --pdq-convention exits 3" 3 "$VIGIL" hash --pdq-convention=java sk_rocket.jpg
expect_rc "--algo=pdq with --no-pdq exits 3" 3 "$VIGIL" hash --format=sum --algo=pdq --no-pdq sk_rocket.jpg
expect_rc "--help documents --pdq-convention" 0 "$VIGIL" hash --help
check "--help names the conventions" grep -q 'pdq-convention=full|cli' "$TMP/out"

finish
