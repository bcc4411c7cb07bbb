#!/usr/bin/env bash
# test_evidence.sh — `vigil keygen` and `vigil verify`, and interoperability of sealed reports
# with stock tools: minisign -V accepts report.sig, openssl cms -decrypt recovers preserved files
# whose SHA-256 match the records, python3 -m json.tool parses every record, Python's
# canonical JSON equals our bytes, openssl ts reads summary.tsq. Keys are made here. Ends with
# a real `vigil scan` of known harmless photos: its report verifies and states the matches, and
# no byte the scan wrote holds the photos' bytes or decoded pixels.
. "$(dirname "$0")/lib.sh"
: "${VIGIL_MKREPORT:?VIGIL_MKREPORT must name the ev_mkreport helper}"
: "${VIGIL_NOCONTENT:?}" "${MKVHS:?}" "${MKARC:?}"
PHOTOS=$VIGIL_TEST_DATA/photos
cd "$TMP" || exit 1

# --- keygen ---
expect_rc "keygen writes a key pair" 0 "$VIGIL" keygen --out "$TMP/sign"
check "private key is mode 0600" test "$(stat -c %a "$TMP/sign.key")" = 600
check "private key is PKCS#8 Ed25519" bash -c "openssl pkey -in '$TMP/sign.key' -noout -text 2>/dev/null | grep -q ED25519"
check "keygen prints the key id" grep -q "key id:" "$TMP/out"
id=$(sed -n 's/^key id: *//p' "$TMP/out")
check "public key file names the same key id" grep -q "minisign public key $id" "$TMP/sign.pub"
expect_rc "keygen refuses to overwrite" 1 "$VIGIL" keygen --out "$TMP/sign"
expect_rc "keygen without --out exits 3" 3 "$VIGIL" keygen
"$VIGIL" keygen --out "$TMP/other" >/dev/null

# --- investigator certificates (RSA and EC P-256) ---
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/inv.key" -out "$TMP/inv.crt" \
    -subj "/CN=test investigator" -days 2 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/ec.key" \
    -out "$TMP/ec.crt" -subj "/CN=test investigator EC" -days 2 2>/dev/null

mkdir -p "$TMP/reports"
R=$("$VIGIL_MKREPORT" "$TMP/reports" "$TMP/sign.key" "$TMP/inv.crt" --tsq --case \
    "$PHOTOS/sk_rocket.jpg" "$PHOTOS/sk_chelsea.png")
check "a report was written" test -d "$R"
check "report folder is mode 0700" test "$(stat -c %a "$R")" = 700

# --- vigil verify ---
expect_rc "verify with the pinned key exits 0" 0 "$VIGIL" verify "$R" --pubkey "$TMP/sign.pub"
check "verify prints OK" grep -q "^OK: 8 records, key $id" "$TMP/out"
expect_rc "verify decrypts preserved files with the investigator key" 0 \
    "$VIGIL" verify "$R" --pubkey "$TMP/sign.pub" --decrypt-key "$TMP/inv.key"
check "verify says how many were decrypted" grep -q "2 preserved files decrypted and matched" "$TMP/out"
expect_rc "verify without --pubkey never says OK (exit 3)" 3 "$VIGIL" verify "$R"
check "it names the claimed key" grep -q "NOT VERIFIED: sig.not_checked.*$id" "$TMP/out"
expect_rc "verify with another key exits 1" 1 "$VIGIL" verify "$R" --pubkey "$TMP/other.pub"
check "reason: key id mismatch" grep -q "FAILED: sig.key_id_mismatch" "$TMP/out"
expect_rc "verify of a missing folder exits 3" 3 "$VIGIL" verify "$TMP/nope" --pubkey "$TMP/sign.pub"
expect_rc "verify with an unreadable key file exits 3" 3 "$VIGIL" verify "$R" --pubkey "$TMP/nope.pub"
expect_rc "verify --help exits 0" 0 "$VIGIL" verify --help
check "--help documents exit status" grep -q "Exit status" "$TMP/out"

# --- minisign ---
if command -v minisign >/dev/null; then
    check "minisign -V accepts report.sig" \
        bash -c "minisign -V -q -x '$R/report.sig' -m '$R/summary.json' -p '$TMP/sign.pub'"
    cp -r "$R" "$TMP/bad" && printf ' ' >>"$TMP/bad/summary.json"
    check "minisign -V rejects an altered summary.json" \
        bash -c "! minisign -V -q -x '$TMP/bad/report.sig' -m '$TMP/bad/summary.json' -p '$TMP/sign.pub' 2>/dev/null"
    rm -rf "$TMP/bad"
else
    not_ok "minisign is not installed (scripts/bootstrap installs it)"
fi
check "sha256sum agrees with every digest pinned in summary.json" python3 -c '
import json,sys,hashlib,os
d=sys.argv[1]; s=json.load(open(os.path.join(d,"summary.json")))
for f in s["files"]:
    b=open(os.path.join(d,f["name"]),"rb").read()
    assert hashlib.sha256(b).hexdigest()==f["sha256"] and len(b)==f["size"], f["name"]
assert len(s["files"])==5, s["files"]' "$R"

# --- JSON ---
ok_json=1
while IFS= read -r line; do
    printf '%s' "$line" | python3 -m json.tool >/dev/null || ok_json=0
done <"$R/records.jsonl"
check "python3 -m json.tool parses every record" test $ok_json = 1
check "python3 -m json.tool parses summary.json" bash -c "python3 -m json.tool '$R/summary.json' >/dev/null"
check "Python's canonical JSON equals every line byte for byte" python3 -c '
import json,sys
for p in sys.argv[1:]:
    for line in open(p,"rb").read().split(b"\n")[:-1]:
        o=json.loads(line)
        again=json.dumps(o,sort_keys=True,separators=(",",":"),ensure_ascii=False).encode()
        assert again==line,(p,line[:60])' "$R/records.jsonl" "$R/summary.json"

# --- openssl cms -decrypt ---
for pair in "rsa:inv" "ec:ec"; do
    kind=${pair%%:*} k=${pair#*:}
    RR=$R
    if [ "$kind" = ec ]; then
        RR=$("$VIGIL_MKREPORT" "$TMP/reports" "$TMP/sign.key" "$TMP/ec.crt" "$PHOTOS/sk_rocket.jpg" "$PHOTOS/sk_chelsea.png")
        check "EC report verifies with decryption" \
            "$VIGIL" verify "$RR" --pubkey "$TMP/sign.pub" --decrypt-key "$TMP/ec.key" --decrypt-cert "$TMP/ec.crt"
    fi
    n=0
    for obj in "$RR"/preserved/*.cms; do
        n=$((n + 1))
        openssl cms -decrypt -binary -inform DER -in "$obj" -inkey "$TMP/$k.key" \
            -recip "$TMP/$k.crt" -out "$TMP/plain.$n" 2>"$TMP/cms.err"
        check "$kind: openssl cms -decrypt opens $(basename "$obj")" test -s "$TMP/plain.$n"
        check "$kind: decrypted SHA-256 equals the record's plain_sha256" python3 -c '
import json,sys,hashlib
obj,plain,recs=sys.argv[1],sys.argv[2],sys.argv[3]
name="preserved/"+obj.rsplit("/",1)[1]
want=[json.loads(l) for l in open(recs) if "\"preserved\"" in l]
want=[r for r in want if r.get("object")==name][0]
b=open(plain,"rb").read()
assert hashlib.sha256(b).hexdigest()==want["plain_sha256"] and len(b)==want["plain_size"]' \
            "$obj" "$TMP/plain.$n" "$RR/records.jsonl"
    done
    check "$kind: the decrypted files are the originals" bash -c \
        "cmp -s '$TMP/plain.1' '$PHOTOS/sk_rocket.jpg' && cmp -s '$TMP/plain.2' '$PHOTOS/sk_chelsea.png'"
    check "$kind: OAEP/ECDH key transport is recorded" grep -q "\"key_transport\":\"$([ "$kind" = rsa ] && echo rsa-oaep-sha256 || echo ecdh-p256-sha256kdf)\"" "$RR/records.jsonl"
    rm -f "$TMP"/plain.*
done
check "RSA recipient uses OAEP with SHA-256 (not PKCS#1 v1.5)" bash -c \
    "openssl cms -cmsout -print -inform DER -in '$R/preserved/000001.cms' | grep -q rsaesOaep"
check "content cipher is AES-256-GCM (AuthEnvelopedData)" bash -c \
    "openssl cms -cmsout -print -inform DER -in '$R/preserved/000001.cms' | grep -q aes-256-gcm"

check "case.jsonld is JSON-LD that Python parses" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
assert "@context" in d and len(d["@graph"]) > 5' "$R/case.jsonld"

# --- summary.tsq ---
check "openssl ts reads summary.tsq" bash -c "openssl ts -query -in '$R/summary.tsq' -text >/dev/null"
check "summary.tsq imprints SHA-256(summary.json)" bash -c \
    "openssl ts -query -in '$R/summary.tsq' -text | tr -d ' \n-' | grep -qi \"\$(sha256sum '$R/summary.json' | cut -c1-32)\""

# --- a throw-away RFC 3161 TSA stamps summary.tsq; verify checks the token ---
A=$TMP/tsa
mkdir -p "$A"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$A/ca.key" \
    -out "$A/ca.crt" -subj "/CN=test TSA CA" -days 2 -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$A/tsa.key" \
    -out "$A/tsa.csr" -subj "/CN=test TSA" 2>/dev/null
printf 'extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n' >"$A/ext"
openssl x509 -req -in "$A/tsa.csr" -CA "$A/ca.crt" -CAkey "$A/ca.key" -CAcreateserial \
    -out "$A/tsa.crt" -days 2 -extfile "$A/ext" 2>/dev/null
echo 01 >"$A/serial"
cat >"$A/tsa.cnf" <<CNF
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = $A
serial = $A/serial
crypto_device = builtin
signer_cert = $A/tsa.crt
signer_key = $A/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
cp -r "$R" "$TMP/ts"
openssl ts -reply -config "$A/tsa.cnf" -queryfile "$TMP/ts/summary.tsq" -out "$TMP/ts/summary.tsr" 2>/dev/null
check "the test TSA answered" test -s "$TMP/ts/summary.tsr"
check "openssl ts -verify accepts the token" bash -c "openssl ts -verify -in '$TMP/ts/summary.tsr' \
    -queryfile '$TMP/ts/summary.tsq' -CAfile '$A/ca.crt' -untrusted '$A/tsa.crt' >/dev/null 2>&1"
expect_rc "verify --tsa-ca checks the token" 0 "$VIGIL" verify "$TMP/ts" --pubkey "$TMP/sign.pub" --tsa-ca "$A/ca.crt"
check "it says so" grep -q "time-stamp token verified" "$TMP/out"
expect_rc "without --tsa-ca the token is only noted" 0 "$VIGIL" verify "$TMP/ts" --pubkey "$TMP/sign.pub"
check "with a warning" grep -q "summary.tsr not checked" "$TMP/err"
expect_rc "a token checked against another CA fails" 1 "$VIGIL" verify "$TMP/ts" --pubkey "$TMP/sign.pub" --tsa-ca "$TMP/inv.crt"
check "reason: tsr.invalid" grep -q "FAILED: tsr.invalid" "$TMP/out"
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[-5]^=1; open(p,"wb").write(b)' "$TMP/ts/summary.tsr"
expect_rc "an altered token fails" 1 "$VIGIL" verify "$TMP/ts" --pubkey "$TMP/sign.pub" --tsa-ca "$A/ca.crt"

# --- never display content: no image bytes outside preserved/ ---
check "no image bytes anywhere in the report outside preserved/" python3 -c '
import os,sys
report=sys.argv[1]; photos=sys.argv[2:]
blobs=b""
for root,_,files in os.walk(report):
    if "/preserved" in root: continue
    for f in files: blobs+=open(os.path.join(root,f),"rb").read()
for p in photos:
    b=open(p,"rb").read()
    for off in range(0,len(b)-32,997):
        assert b[off:off+32] not in blobs,(p,off)' "$R" "$PHOTOS/sk_rocket.jpg" "$PHOTOS/sk_chelsea.png"

# --- tampering through the CLI ---
cp -r "$R" "$TMP/t1" && printf 'x' >>"$TMP/t1/summary.txt"
expect_rc "an altered summary.txt exits 1" 1 "$VIGIL" verify "$TMP/t1" --pubkey "$TMP/sign.pub"
check "reason and file are named" grep -q "FAILED: files.digest_mismatch in summary.txt" "$TMP/out"
cp -r "$R" "$TMP/t2" && rm "$TMP/t2/report.sig"
expect_rc "an unsealed report exits 2" 2 "$VIGIL" verify "$TMP/t2" --pubkey "$TMP/sign.pub"
check "it says how far the chain is consistent" grep -q "INCOMPLETE: seal.missing.*records 1..8" "$TMP/out"
cp -r "$R" "$TMP/t3" && touch "$TMP/t3/extra"
expect_rc "an extra file only warns" 0 "$VIGIL" verify "$TMP/t3" --pubkey "$TMP/sign.pub"
check "the warning names it" grep -q "unexpected file extra" "$TMP/err"
expect_rc "an extra file fails with --strict" 1 "$VIGIL" verify "$TMP/t3" --pubkey "$TMP/sign.pub" --strict
cp -r "$R" "$TMP/t4" && printf 'x' >>"$TMP/t4/summary.txt" && printf ' ' >>"$TMP/t4/case.jsonld"
expect_rc "two altered files: exit 1" 1 "$VIGIL" verify "$TMP/t4" --pubkey "$TMP/sign.pub"
check "without --all only the first failure" test "$(wc -l <"$TMP/out")" = 1
expect_rc "--all: still exit 1" 1 "$VIGIL" verify "$TMP/t4" --pubkey "$TMP/sign.pub" --all
printf '%s\n' "FAILED: files.digest_mismatch case.jsonld:" "FAILED: files.digest_mismatch summary.txt:" \
    "FAILED: xref.case_export case.jsonld:" >"$TMP/want"
check "--all: every failure, one a line, the first one first" \
    diff "$TMP/want" <(awk '{print $1, $2, $4}' "$TMP/out")

# --- the shared research test vectors (an earlier draft of the format) ---
V=$VIGIL_TEST_DATA/evidence/vectors
expect_rc "test vectors: signature verifies, then the draft's comments are refused" 1 \
    "$VIGIL" verify "$V" --pubkey "$V/test.pub"
check "reason: the untrusted comment is not vigil's" grep -q "FAILED: sig.untrusted_comment" "$TMP/out"

# --- vigil scan end to end, as the council runs it and the investigator checks it ---
S=$TMP/scan
mkdir -p "$S/tree/sub" "$S/rep" "$S/tmp" "$S/xdg"
cp "$PHOTOS/sk_rocket.jpg" "$S/tree/rocket.jpg"
cp "$PHOTOS/sk_chelsea.png" "$S/tree/sub/cat.png"
cp "$PHOTOS/sk_coffee.png" "$S/tree/sub/coffee.png"
"$MKARC" "$S/tree/sub/photos.zip" zip - - x/rocket.bin="$PHOTOS/sk_rocket.jpg"
cat >"$S/list.txt" <<LIST
sha256 $(sha256sum "$PHOTOS/sk_rocket.jpg" | cut -c1-64) rocket-1
pdq-of $PHOTOS/sk_chelsea.png cat-1
LIST
check "test hash list built" "$MKVHS" "$S/list.vhs" <"$S/list.txt"
TMPDIR=$S/tmp XDG_CACHE_HOME=$S/xdg "$VIGIL" scan "$S/tree" --hashlist "$S/list.vhs" \
    --report "$S/rep" --sign-key "$TMP/sign.key" --cache "$S/cache.sqlite" -j 2 \
    >"$S/stdout" 2>"$S/stderr"
check "scan exits 1 (matches, complete)" test $? = 1
SR=$(ls -d "$S"/rep/vigil-*)
expect_rc "the scan's report verifies against the pinned key" 0 "$VIGIL" verify "$SR" --pubkey "$TMP/sign.pub"
check "verify prints OK" grep -q "^OK: [0-9]* records, key $id" "$TMP/out"
check "minisign -V accepts the scan's report.sig" \
    bash -c "minisign -V -q -x '$SR/report.sig' -m '$SR/summary.json' -p '$TMP/sign.pub'"
check "the records state what was found, how, and every file examined" python3 -c '
import json,sys
R=[json.loads(l) for l in open(sys.argv[1]+"/records.jsonl","rb")]
S=json.load(open(sys.argv[1]+"/summary.json"))
F={r["seq"]:r for r in R if r["type"]=="file"}
M=[r for r in R if r["type"]=="match"]
def where(f): return f["path"]+"".join("!"+i["name"] for i in f.get("inner",[]))
got=sorted((where(F[m["file_seq"]]).split("/tree/")[1],m["kind"],m["entry"]) for m in M)
assert got==[("rocket.jpg","confirmed","rocket-1"),("sub/cat.png","probable","cat-1"),
             ("sub/photos.zip!x/rocket.bin","confirmed","rocket-1")],got
assert all(m["list"] in [l["name"] for l in S["lists"]] for m in M)
p=[m for m in M if m["kind"]=="probable"][0]
assert 0<=p["distance"]<=31 and p["quality"]>=50,p
paths={where(f).split("/tree/")[1] for f in F.values()}
assert {"rocket.jpg","sub/cat.png","sub/coffee.png","sub/photos.zip"}<=paths,paths
c=S["counts"]
assert c["matches_confirmed"]==2 and c["matches_probable"]==1 and c["matched_files"]==3,c
assert c["outcomes"]["clean"]>=2 and R[0]["type"]=="scan_start" and R[-1]["type"]=="scan_end"
assert S["lists"][0]["sha256"]!="0"*64 and "--sign-key" in [a["arg"] for a in R[0]["command_line"]]' "$SR"
check "summary.txt names no matched file" bash -c \
    "! grep -Eq 'rocket|cat\.png|photos\.zip' '$SR/summary.txt'"
check "summary.txt counts both kinds" bash -c \
    "grep -q 'confirmed matches:       2' '$SR/summary.txt' && grep -q 'probable matches:        1' '$SR/summary.txt'"
cp -r "$SR" "$S/t1" && sed -i '2s/"size":/"size":1/' "$S/t1/records.jsonl"
expect_rc "an edited record of the scan's report exits 1" 1 "$VIGIL" verify "$S/t1" --pubkey "$TMP/sign.pub"
cp -r "$SR" "$S/t2" && rm "$S/t2/report.sig" "$S/t2/summary.json"
expect_rc "the scan's report without its seal exits 2" 2 "$VIGIL" verify "$S/t2" --pubkey "$TMP/sign.pub"
rm -rf "$S/t1" "$S/t2"

# Every byte vigil wrote (report, cache, stdout, stderr, TMPDIR, XDG cache): no raw image bytes
# and no decoded pixels of the known images; then show the search does find both.
expect_rc "no trace of the images in anything the scan wrote" 0 "$VIGIL_NOCONTENT" \
    "$PHOTOS/sk_rocket.jpg" "$PHOTOS/sk_chelsea.png" "$PHOTOS/sk_coffee.png" -- \
    "$S/rep" "$S"/cache.sqlite* "$S/stdout" "$S/stderr" "$S/tmp" "$S/xdg"
nfiles=$(sed -n 's/^no trace: .* images, \([0-9]*\) files.*/\1/p' "$TMP/out")
check "it searched every file: the report's, the cache and the output" test "${nfiles:-0}" -ge 7
mkdir -p "$S/decoy" && "$VIGIL_NOCONTENT" --sample "$PHOTOS/sk_chelsea.png" "$S/decoy/pixels.bin"
expect_rc "control: decoded pixels are found" 1 "$VIGIL_NOCONTENT" "$PHOTOS/sk_chelsea.png" -- "$S/decoy"
check "and named as pixels" grep -q "TRACE: decoded pixels" "$TMP/out"
rm -f "$S/decoy/pixels.bin" && tail -c 5000 "$PHOTOS/sk_rocket.jpg" | head -c 3000 >"$S/decoy/bytes.bin"
expect_rc "control: raw image bytes are found" 1 "$VIGIL_NOCONTENT" "$PHOTOS/sk_rocket.jpg" -- "$S/decoy"

finish
