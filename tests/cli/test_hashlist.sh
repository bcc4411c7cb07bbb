#!/usr/bin/env bash
# test_hashlist.sh — `vigil hashlist build|info|lookup|sign|verify` on lists made by the real
# tools (md5sum, sha256sum, hashdeep) and a PDQ list; signatures checked with openssl too.
. "$(dirname "$0")/lib.sh"

cd "$TMP" || exit 1
for i in 1 2 3 4 5; do printf 'vigil-sample-%s\n' "$i" >"f$i"; done
md5sum f1 f2 >alert.md5
sha256sum f3 >alert.sha256
sha256sum f4 >good.sha256
hashdeep -l -c md5,sha1,sha256 f5 >alert.hashdeep 2>/dev/null
pdq_a=6ecc9471a9b500ce7b53354c7959a503b58fda1a3872b07eac71d31603aa6f58
pdq_b=1be1852bf6088f634f85fd9605ec13e6a163844ac75f2540bdbbbc51df736886
printf 'hash,quality\n%s,100\n%s,87\n' "$pdq_a" "$pdq_b" >alert.pdq
# pdq_a with 6 bits flipped (0x6e -> 0x61: 4 bits; 0xb5 -> 0x34: 2 bits)
pdq_near=61cc9471a93400ce7b53354c7959a503b58fda1a3872b07eac71d31603aa6f58
hex() { "$1" "$2" | cut -d' ' -f1; }

# --- build ---
expect_rc "build exits 0" 0 "$VIGIL" hashlist build -o lists.vhs --name "test lists" \
    --version 7 alert.md5 alert.sha256 alert.hashdeep alert.pdq --role known-good good.sha256
check "build reports each input" grep -q 'alert.md5: sum, 2 entries' "$TMP/err"
check "index is created 0600" test "$(stat -c %a lists.vhs)" = 600
check "no temporary file left" test "$(ls lists.vhs* | wc -l)" = 1

# --- info: counts and provenance, never the hashes ---
expect_rc "info exits 0" 0 "$VIGIL" hashlist info lists.vhs
cp "$TMP/out" info.txt
check "info shows the name" grep -q '^name: *test lists' info.txt
check "info counts per type" grep -q 'unique hashes:  md5 3, sha1 1, sha256 3, pdq 2' info.txt
check "info lists five sources" grep -q '^lists: *5' info.txt
check "info shows the known-good role" grep -q 'role known-good, format sum' info.txt
check "info gives each source's SHA-256" \
    grep -q "source sha256 $(hex sha256sum alert.md5)" info.txt
leak=0
for f in f1 f2 f3 f4 f5; do
    for h in "$(hex md5sum $f)" "$(hex sha1sum $f)" "$(hex sha256sum $f)"; do
        grep -q "$h" info.txt && leak=1
    done
done
grep -q "$pdq_a" info.txt && leak=1
check "info prints no hash from the lists" test $leak = 0

# --- lookup ---
lookup() { printf '%s\n' "$@" | "$VIGIL" hashlist lookup lists.vhs; }
expect_rc "lookup of an MD5 on the list exits 1" 1 lookup "$(hex md5sum f1)"
check "lookup prints query, type, id, list, category, distance, role" \
    grep -qP "^$(hex md5sum f1)\tmd5\t-\talert.md5\t-\t0\talert$" "$TMP/out"
expect_rc "SHA-1 from hashdeep matches" 1 lookup "$(hex sha1sum f5)"
check "SHA-1 match names the hashdeep list, id = the file name" \
    grep -qP '\tsha1\tf5\talert.hashdeep\t' "$TMP/out"
expect_rc "SHA-256 matches" 1 lookup "$(hex sha256sum f3 | tr a-f A-F)"
expect_rc "a hash on no list exits 0" 0 lookup "$(hex md5sum f3)" "$(hex sha1sum f1)"
check "no output for no match" test ! -s "$TMP/out"
expect_rc "a known-good match is printed but exits 0" 0 lookup "$(hex sha256sum f4)"
check "known-good role shown" grep -qP '\tknown-good$' "$TMP/out"
expect_rc "a PDQ 6 bits away matches at the default radius" 1 lookup "$pdq_near"
check "PDQ match gives distance 6" grep -qP "^$pdq_near\tpdq\t-\talert.pdq\t-\t6\talert$" "$TMP/out"
expect_rc "PDQ outside --max-distance 5 does not match" 0 \
    bash -c "echo $pdq_near | '$VIGIL' hashlist lookup --max-distance 5 lists.vhs"
expect_rc "comments and blank lines are skipped" 0 lookup "# a comment" "" "   "
expect_rc "a line that is not a hash exits 2" 2 lookup "$(hex md5sum f1)" "xyz"
check "the bad line is named by number" grep -q 'line 2: not an MD5' "$TMP/err"
check "the good line before it still matched" grep -q "$(hex md5sum f1)" "$TMP/out"
expect_rc "bad --max-distance exits 3" 3 "$VIGIL" hashlist lookup -d 300 lists.vhs

# --- an id that is a file name with a tab stays in its column (escaped as in sha256sum) ---
printf 'vigil-sample-6\n' >f6
printf '%%%%%%%% HASHDEEP-1.0\n%%%%%%%% size,md5,filename\n15,%s,dir/a\tb.jpg\n' \
    "$(hex md5sum f6)" >tab.hashdeep
expect_rc "a hashdeep list with a tab in a name builds" 0 "$VIGIL" hashlist build -o tab.vhs \
    tab.hashdeep
expect_rc "its MD5 matches" 1 bash -c "echo $(hex md5sum f6) | '$VIGIL' hashlist lookup tab.vhs"
row=$(printf '%s\tmd5\tdir/a\\x09b.jpg\ttab.hashdeep\t-\t0\talert' "$(hex md5sum f6)")
check "the id is the file name, its tab escaped" grep -qxF "$row" "$TMP/out"

# --- names and categories come from the supplier's files: never printed raw (terminal escapes) ---
esc=$(printf 'evil\033[2J\tname')
printf 'MD5,Category\n%s,%s\n' "$(hex md5sum f1)" "$(printf 'A\033[31mB')" >esc.csv
expect_rc "a list named with control bytes builds" 0 "$VIGIL" hashlist build -o esc.vhs \
    --list-name "$esc" --columns md5=MD5,category=Category esc.csv
expect_rc "info of it exits 0" 0 "$VIGIL" hashlist info esc.vhs
check "info prints no control byte" bash -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$TMP/out'"
check "info quotes the list name as ls does" \
    grep -qxF "  [0] 'evil'\$'\\033''[2J'\$'\\t''name'" "$TMP/out"
expect_rc "lookup in it exits 1" 1 bash -c "echo $(hex md5sum f1) | '$VIGIL' hashlist lookup esc.vhs"
row=$(printf '%s\tmd5\t-\tevil\\x1b[2J\\x09name\tlist:A\\x1b[31mB (-)\t0\talert' "$(hex md5sum f1)")
check "lookup escapes the list name and category: one row of 7 columns" grep -qxF "$row" "$TMP/out"

# --- PDQ lists written like sha256sum output ("HEX  NAME") ---
printf '%s  photos/a.jpg\n%s *b.jpg\n' "$pdq_a" "$pdq_b" >sumlike.pdq
expect_rc "--format pdq builds HEX  NAME lines" 0 "$VIGIL" hashlist build -o sumlike.vhs \
    --format pdq sumlike.pdq
check "both are stored as matchable PDQ" grep -q 'sumlike.pdq: pdq, 2 entries' "$TMP/err"
expect_rc "the PDQ near the first one matches" 1 \
    bash -c "echo $pdq_near | '$VIGIL' hashlist lookup sumlike.vhs"

# --- bad inputs ---
printf '%s  f1\nnot-a-hash  f2\n' "$(hex md5sum f1)" >bad.md5
expect_rc "a bad record fails the build" 2 "$VIGIL" hashlist build -o bad.vhs --format sum bad.md5
check "the bad record is named by line, not value" grep -q 'bad.md5:2' "$TMP/err"
check "no index written after a failed input" test ! -e bad.vhs
expect_rc "--skip-bad builds anyway" 0 "$VIGIL" hashlist build -o bad.vhs --format sum --skip-bad \
    bad.md5
"$VIGIL" hashlist info bad.vhs >"$TMP/info2"
check "info counts the skipped record" grep -q 'skipped bad 1' "$TMP/info2"
expect_rc "a missing input exits 2" 2 "$VIGIL" hashlist build -o x.vhs nosuchfile
expect_rc "no -o exits 3" 3 "$VIGIL" hashlist build alert.md5
expect_rc "unknown --format exits 3" 3 "$VIGIL" hashlist build -o x.vhs --format nope alert.md5
expect_rc "--format help lists the formats" 0 "$VIGIL" hashlist build --format help
check "--format help names the sum format" grep -qx sum "$TMP/out"
expect_rc "unknown subcommand exits 3" 3 "$VIGIL" hashlist frobnicate
for c in build info lookup sign verify; do
    expect_rc "hashlist $c --help exits 0" 0 "$VIGIL" hashlist "$c" --help
    check "hashlist $c --help documents exit status" grep -q 'Exit status' "$TMP/out"
done

# --- every sample list builds, as a user would run it ---
L=$VIGIL_TEST_DATA/hashlists
for f in "$L"/*.txt "$L"/*.csv "$L"/*.json "$L"/*.jsonl "$L"/*.hsh "$L"/*.hdb "$L"/*.hsb; do
    b=$(basename "$f")
    opts=()
    case $b in caid_style.csv) opts=(--columns md5=checksum,id=Ref,category=LEVEL) ;;
    plain_md5.txt | *.jsonl | *.json | *.hsh | *.hdb | *.hsb | *.csv | *hashdeep* | NSRL*) ;;
    *) opts=(--type sha256) ;;
    esac
    if "$VIGIL" hashlist build -o sample.vhs "${opts[@]}" "$f" >"$TMP/out" 2>"$TMP/err" &&
        "$VIGIL" hashlist info sample.vhs >"$TMP/info3" 2>&1 &&
        grep -q '^lists: *1' "$TMP/info3" && ! grep -q 'stored 0,' "$TMP/info3"; then
        ok "sample $b builds and info describes it"
    else
        not_ok "sample $b builds and info describes it"
        sed 's/^/    /' "$TMP/err" | head -5
    fi
done
"$VIGIL" hashlist build -o nsrl.vhs "$L/NSRLFile_v2_sample.txt" 2>"$TMP/err"
check "build says an NSRL list is known-good" grep -q 'nsrl (known-good)' "$TMP/err"
"$VIGIL" hashlist info nsrl.vhs >"$TMP/info3"
check "info shows NSRL as known-good" grep -q 'role known-good, format nsrl' "$TMP/info3"
expect_rc "an NSRL hash is printed as known-good, not a match" 0 \
    bash -c "echo 116de40b77b54b95133c9291391df63b | '$VIGIL' hashlist lookup nsrl.vhs"
check "NSRL match role is known-good" grep -qP '\tknown-good$' "$TMP/out"
"$VIGIL" hashlist build -o vics.vhs "$L/vics20_hashset.json" 2>/dev/null
"$VIGIL" hashlist info vics.vhs >"$TMP/info3"
check "info counts PhotoDNA values apart" grep -q 'not matchable 1 (PhotoDNA 1, TMK 0' "$TMP/info3"
: >empty
md5sum empty f1 >withempty.md5
"$VIGIL" hashlist build -o we.vhs withempty.md5 2>"$TMP/err"
check "build reports the rejected empty-file digest" grep -q '1 empty-file digests' "$TMP/err"
"$VIGIL" hashlist info we.vhs >"$TMP/info3"
check "info keeps the rejected count" grep -q 'empty-file digests 1, all-zero hashes 0' \
    "$TMP/info3"

# --- vigil's own hashing becomes a list (jsonl, hashdeep with PDQ, sum of PDQ) ---
P=$VIGIL_TEST_DATA/photos
"$VIGIL" hash --format=jsonl "$P/sk_coins.png" "$P/sk_rocket.jpg" f1 >own.jsonl 2>/dev/null
"$VIGIL" hash "$P/sk_coins.png" "$P/sk_rocket.jpg" f1 >own.hashdeep 2>/dev/null
"$VIGIL" hash --dihedral "$P/sk_coins.png" "$P/sk_rocket.jpg" f1 >own_dih.hashdeep 2>/dev/null
"$VIGIL" hash --format=sum --algo=pdq "$P/sk_coins.png" "$P/sk_rocket.jpg" >own.pdqsum 2>/dev/null
coins_pdq=$(grep sk_coins own.pdqsum | cut -d' ' -f1)
check "vigil hash gave a PDQ to look up" test ${#coins_pdq} = 64
for f in own.jsonl own.hashdeep own_dih.hashdeep; do
    expect_rc "vigil hash output $f builds" 0 "$VIGIL" hashlist build -o own.vhs "$f"
    expect_rc "the image's PDQ matches from $f" 1 \
        bash -c "echo $coins_pdq | '$VIGIL' hashlist lookup own.vhs"
    check "PDQ match at distance 0 from $f, id = the file's path" \
        grep -qP "^$coins_pdq\tpdq\t$P/sk_coins.png\t$f\t-\t0\talert$" "$TMP/out"
    expect_rc "the image's SHA-256 matches from $f" 1 \
        bash -c "sha256sum '$P/sk_rocket.jpg' | cut -d' ' -f1 | '$VIGIL' hashlist lookup own.vhs"
done
"$VIGIL" hashlist build -o own.vhs own.jsonl 2>"$TMP/err"
check "jsonl is detected by content" grep -q 'own.jsonl: jsonl, 11 entries' "$TMP/err"
expect_rc "a PDQ sum list with --type pdq builds" 0 \
    "$VIGIL" hashlist build -o own.vhs --type pdq own.pdqsum
"$VIGIL" hashlist info own.vhs >"$TMP/info3"
check "--type pdq stores PDQ codes, not SHA-256" grep -q 'md5 0, sha1 0, sha256 0, pdq 2' \
    "$TMP/info3"
"$VIGIL" hash --format=jsonl f1 nosuchfile >broken.jsonl 2>/dev/null
expect_rc "a jsonl line for an unreadable file fails the build" 2 \
    "$VIGIL" hashlist build -o x.vhs broken.jsonl
check "it is named by file and line" grep -q 'broken.jsonl:2: line names a file' "$TMP/err"

# --- damaged index ---
head -c 5000 lists.vhs >cut.vhs
expect_rc "a truncated index is refused" 2 "$VIGIL" hashlist info cut.vhs
check "truncation is named" grep -q 'truncated' "$TMP/err"
cp lists.vhs edited.vhs
printf '\x01' | dd of=edited.vhs bs=1 seek=5000 conv=notrunc 2>/dev/null
expect_rc "an edited index is refused" 2 "$VIGIL" hashlist info edited.vhs
check "the edit is named" grep -q 'checksum mismatch' "$TMP/err"
expect_rc "--fast skips the body hash" 0 "$VIGIL" hashlist info --fast edited.vhs

# --- signatures ---
openssl genpkey -algorithm ed25519 -out key.pem 2>/dev/null
openssl pkey -in key.pem -pubout -out pub.pem
openssl genpkey -algorithm ed25519 -out other.pem 2>/dev/null
openssl pkey -in other.pem -pubout -out other.pub.pem
expect_rc "sign exits 0" 0 "$VIGIL" hashlist sign --key key.pem lists.vhs
check "signature written beside the index" test -s lists.vhs.sig
expect_rc "verify with the right key exits 0" 0 "$VIGIL" hashlist verify --pubkey pub.pem lists.vhs
check "verify says verified" grep -q 'signature verified' "$TMP/out"
sed -n 1,4p lists.vhs.sig >msg.txt
sed -n 5p lists.vhs.sig | cut -d' ' -f2 | base64 -d >sig.bin
check "openssl verifies the signature too" \
    bash -c 'openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg.txt -sigfile sig.bin | grep -q Success'
check "the signed message holds the index's SHA-256" \
    grep -qx "file-sha256 $(hex sha256sum lists.vhs)" msg.txt
expect_rc "another key is refused (exit 1)" 1 "$VIGIL" hashlist verify --pubkey other.pub.pem lists.vhs
check "another key is named" grep -q 'signed by another key' "$TMP/err"
expect_rc "lookup with the trusted key works" 1 \
    bash -c "echo $(hex md5sum f1) | '$VIGIL' hashlist lookup --pubkey pub.pem lists.vhs"
expect_rc "lookup refuses an index signed by another key" 2 \
    bash -c "echo $(hex md5sum f1) | '$VIGIL' hashlist lookup --pubkey other.pub.pem lists.vhs"
check "nothing is looked up when the signature fails" test ! -s "$TMP/out"
cp lists.vhs.sig saved.sig
"$VIGIL" hashlist build -o lists.vhs alert.md5 2>/dev/null
expect_rc "a rebuilt index under the old signature is refused" 1 \
    "$VIGIL" hashlist verify --pubkey pub.pem lists.vhs
check "the reason is another file" grep -q 'for another file' "$TMP/err"
expect_rc "a missing signature is refused" 1 \
    "$VIGIL" hashlist verify --pubkey pub.pem --sig none.sig lists.vhs
expect_rc "a public key cannot sign" 2 "$VIGIL" hashlist sign --key pub.pem lists.vhs
expect_rc "sign without --key exits 3" 3 "$VIGIL" hashlist sign lists.vhs

finish
