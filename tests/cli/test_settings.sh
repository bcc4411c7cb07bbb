#!/usr/bin/env bash
# test_settings.sh — vigil.conf settings against the command line (issue 7): every yes/no
# setting can be switched off for one run (--no-KEY, --KEY for no-KEY settings, --cache FILE
# against no-cache); the keys a scheduled scan needs (sign-key, hashlist-pubkey, recipient) are
# settable in the file, used by the scan and shown by `vigil config check` by path and key id
# only; and settings are recorded whole in scan_start however long they are.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_fixture.sh"

# ---- yes/no settings of the file switched off on the command line (--no-KEY) ----
conf "$TMP/bools.conf" "path = $T" "hashlist = $TMP/lists.vhs" "report = $TMP/repb" \
    "sign-key = $K" "no-cache = yes" "quiet = yes" "syslog = yes" "follow-symlinks = yes" \
    "one-file-system = yes" "no-dihedral = yes" "case = yes"
VIGIL_SYSLOG_STDERR=1 expect_rc "--no-KEY for every yes/no setting: match -> 1" 1 \
    "$VIGIL" scan --config "$TMP/bools.conf" --no-quiet --no-syslog --no-follow-symlinks \
    --no-one-file-system --dihedral --no-case
start_rec "$TMP/repb"
check "--no-follow-symlinks wins" has_cfg follow-symlinks no
check "--no-one-file-system wins" has_cfg one-file-system no
check "--dihedral undoes no-dihedral" has_cfg dihedral yes
check "--no-syslog wins" has_cfg syslog no
check "no file source for a setting switched off" no_cfg follow-symlinks.source
check "no file source for no-dihedral" no_cfg no-dihedral.source
check "no-cache still from the file" has_cfg no-cache.source "$TMP/bools.conf:7"
check "--no-quiet: the summary is printed" grep -q "SCAN SUMMARY" "$TMP/out"
check "--no-syslog: no syslog lines" bash -c "! grep -q 'scan started' '$TMP/err'"
check "--no-case: no case.jsonld" bash -c "! ls '$TMP'/repb/vigil-*/case.jsonld 2>/dev/null"
VIGIL_SYSLOG_STDERR=1 expect_rc "the same file without them" 1 "$VIGIL" scan --config \
    "$TMP/bools.conf" --report "$TMP/repb2"
start_rec "$TMP/repb2"
check "(control) follow-symlinks from the file" has_cfg follow-symlinks yes
check "(control) dihedral off from the file" has_cfg dihedral no
check "(control) syslog lines" grep -q "scan started" "$TMP/err"
check "(control) quiet" bash -c "! grep -q 'SCAN SUMMARY' '$TMP/out'"
check "(control) case.jsonld" bash -c "ls '$TMP'/repb2/vigil-*/case.jsonld >/dev/null"
expect_rc "--cache FILE undoes no-cache" 1 "$VIGIL" scan --config "$TMP/bools.conf" \
    --report "$TMP/repb3" --cache "$TMP/c.sqlite"
start_rec "$TMP/repb3"
check "the cache is used" has_cfg cache yes
check "and the cache file made" test -s "$TMP/c.sqlite"
expect_rc "a --no-KEY that names no yes/no option is refused: 4" 4 "$VIGIL" scan \
    --config "$TMP/bools.conf" --no-jobs
expect_rc "--no-KEY after -- is a path, not a switch: match + missing path -> 3" 3 \
    "$VIGIL" scan --config "$TMP/bools.conf" --report "$TMP/repb4" -- "$T" --no-quiet

# ---- the keys in the settings file: list supplier's key, signing key, investigator's cert ----
openssl genpkey -algorithm ed25519 -out "$TMP/supplier.key" 2>/dev/null
openssl pkey -in "$TMP/supplier.key" -pubout -out "$TMP/supplier.pub" 2>/dev/null
cp "$TMP/lists.vhs" "$TMP/signed.vhs"
check "list signed" "$VIGIL" hashlist sign --key "$TMP/supplier.key" "$TMP/signed.vhs"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/inv.key" -out "$TMP/inv.crt" \
    -subj "/CN=investigator" -days 30 2>/dev/null
supplier_id=$(openssl pkey -pubin -in "$TMP/supplier.pub" -outform DER | tail -c 32 | sha256sum |
    cut -c1-16)
conf "$TMP/keys.conf" "path = $T" "hashlist = $TMP/signed.vhs" "report = $TMP/repk" \
    "sign-key = $K" "no-cache = yes" "quiet = yes" "hashlist-pubkey = $TMP/supplier.pub" \
    "preserve = yes" "recipient = $TMP/inv.crt"
expect_rc "config check with the three keys: 0" 0 "$VIGIL" config check --config "$TMP/keys.conf"
check "prints the list-signing key by path and key id" grep -qx \
    "hashlist-pubkey = $TMP/supplier.pub (Ed25519, key id $supplier_id; every list's signature verifies)" \
    "$TMP/out"
check "prints the signing key by path and key id" grep -q "^sign-key = $K (Ed25519, key id " "$TMP/out"
check "prints the recipient by path" \
    grep -qx "recipient = $TMP/inv.crt (X.509 certificate, rsa-oaep-sha256)" "$TMP/out"
no_secret() { # no line of any key or certificate body (base64, 16+ characters) in the output
    local f l
    for f in "$TMP/supplier.key" "$TMP/supplier.pub" "$K" "$TMP/inv.key" "$TMP/inv.crt"; do
        while read -r l; do
            [ ${#l} -ge 16 ] && grep -qF -- "$l" "$TMP/out" && return 1
        done < <(grep -v -e '^-----' -e ' ' "$f")
    done
    ! grep -q -e "PRIVATE" -e "BEGIN" "$TMP/out"
}
check "config check prints no key or certificate material" no_secret
check "settings: preserve and the signature check in effect" \
    bash -c "grep -qx '  preserve=yes' '$TMP/out' && grep -qx '  hashlist-signature=required' '$TMP/out'"
check "sources of the key settings" bash -c "grep -qx '  hashlist-pubkey.source=$TMP/keys.conf:9' \
    '$TMP/out' && grep -qx '  recipient.source=$TMP/keys.conf:11' '$TMP/out' &&
    grep -qx '  sign-key.source=$TMP/keys.conf:6' '$TMP/out'"
expect_rc "a scan with them: match -> 1" 1 "$VIGIL" scan --config "$TMP/keys.conf"
check "the match was preserved for the investigator" bash -c "ls '$TMP'/repk/vigil-*/preserved/*.cms"
check "report verifies" "$VIGIL" verify "$TMP"/repk/vigil-* --pubkey "$TMP/sign.pub"
sed -i "s|^hashlist = .*|hashlist = $TMP/lists.vhs|" "$TMP/keys.conf" # not signed
expect_rc "config check: unsigned list with hashlist-pubkey -> 4" 4 "$VIGIL" config check \
    --config "$TMP/keys.conf"
check "names the list" grep -q "$TMP/lists.vhs: " "$TMP/err"
expect_rc "scan: unsigned list with hashlist-pubkey -> 4" 4 "$VIGIL" scan --config "$TMP/keys.conf"
check "names the list and its line in the settings file" \
    grep -q "$TMP/lists.vhs: .*(hashlist at $TMP/keys.conf:[0-9]*)" "$TMP/err"
sed -i -e "s|^hashlist = .*|hashlist = $TMP/signed.vhs|" \
    -e "s|^recipient = .*|recipient = $TMP/list.csv|" "$TMP/keys.conf"
expect_rc "config check: unusable recipient -> 4" 4 "$VIGIL" config check --config "$TMP/keys.conf"
check "names the certificate and why" grep -qx "vigil: $TMP/list.csv: not a PEM X.509 certificate" \
    "$TMP/err"
expect_rc "the file's recipient is unused when --no-preserve: match -> 1" 1 "$VIGIL" scan \
    --config "$TMP/keys.conf" --no-preserve --report "$TMP/repk2"
check "nothing preserved" bash -c "! ls '$TMP'/repk2/vigil-*/preserved 2>/dev/null"
sed -i -e "s|^hashlist-pubkey = .*|hashlist-pubkey = $TMP/list.csv|" \
    -e "s|^recipient = .*|recipient = $TMP/inv.crt|" "$TMP/keys.conf"
expect_rc "config check: unusable hashlist-pubkey -> 4" 4 "$VIGIL" config check \
    --config "$TMP/keys.conf"

# ---- settings are recorded whole, however long (no cut at 95 characters) ----
# (a settings file's lines are limited to 198 bytes by Debian's libinih: an error, never a cut)
LONG="$TMP/$(printf 'd%.0s' $(seq 120))"
mkdir -p "$LONG"
GLOB="*/$(printf 'x%.0s' $(seq 300))*"
conf "$LONG/vigil.conf" "path = $T" "hashlist = $TMP/lists.vhs" "report = $TMP/repl" \
    "sign-key = $K" "no-cache = yes" "quiet = yes" "exclude = *.none" "lock = $LONG/scan.lock"
expect_rc "scan with long settings: 1" 1 "$VIGIL" scan --config "$LONG/vigil.conf" \
    --exclude "$GLOB"
start_rec "$TMP/repl"
check "a 300-character exclude glob recorded whole" has_cfg exclude "$GLOB"
check "the long settings file path recorded whole" has_cfg config "$LONG/vigil.conf"
check "a long source recorded whole" has_cfg lock.source "$LONG/vigil.conf:10"
check "the long lock path recorded whole" has_cfg lock "$LONG/scan.lock"
expect_rc "config check prints them whole too" 0 "$VIGIL" config check --config "$LONG/vigil.conf"
check "config check: the settings file whole" grep -qxF "  config=$LONG/vigil.conf" "$TMP/out"
check "config check: a source whole" grep -qxF "  exclude.source=$LONG/vigil.conf:9" "$TMP/out"

finish
