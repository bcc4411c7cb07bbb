#!/usr/bin/env bash
# test_import_tools.sh — the importers read what the real tools write, made at test time:
# md5sum, sha1sum -b, sha256sum, sha256sum --tag (coreutils), hashdeep and md5deep -z
# (hashdeep package). Every digest the tool printed must come back, and nothing else; bad
# records are reported by file and line without the value. Usage: test_import_tools.sh HSET_DUMP
. "$(dirname "$0")/../cli/lib.sh"
DUMP=$1
T=$TMP/tree
mkdir -p "$T/sub"
for n in 1 100 4096 65537; do head -c "$n" /dev/urandom >"$T/f$n"; done
head -c 33 /dev/urandom >"$T/sub/with space.bin"
head -c 34 /dev/urandom >"$T/sub/back\\slash.bin"
head -c 35 /dev/urandom >"$T/sub/new
line.bin"
: >"$T/empty"
cd "$T" || exit 1
mapfile -d '' files < <(find . -type f -print0 | sort -z)
# hashdeep and md5deep write a newline in a name raw (the record is then split: a bad record),
# so they get the files without one.
mapfile -d '' plain < <(find . -type f -not -name '*
*' -print0 | sort -z)

# want TYPE TOOL [plain]: "TYPE HEX" of every non-empty file, sorted, from the tool itself.
want() {
    local type=$1 tool=$2
    local -a list=("${files[@]}")
    if [ "${3:-}" = plain ]; then list=("${plain[@]}"); fi
    "$tool" "${list[@]}" | sed 's/^\\//' | awk -v t="$type" '{print t, $1}' |
        grep -v -e d41d8cd98f00b204e9800998ecf8427e -e da39a3ee5e6b4b0d3255bfef95601890afd80709 \
            -e e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 | sort
}
got() { "$DUMP" "$@" | grep -v '^#' | sort; }

want md5 md5sum >"$TMP/want.md5"
want sha1 sha1sum >"$TMP/want.sha1"
want sha256 sha256sum >"$TMP/want.sha256"
want md5 md5sum plain >"$TMP/want.md5.p"
want sha1 sha1sum plain >"$TMP/want.sha1.p"
want sha256 sha256sum plain >"$TMP/want.sha256.p"
check "tree has entries" test -s "$TMP/want.md5"

md5sum "${files[@]}" >"$TMP/l.md5sum"
sha1sum -b "${files[@]}" >"$TMP/l.sha1sum"
sha256sum "${files[@]}" >"$TMP/l.sha256sum"
sha256sum --tag "${files[@]}" >"$TMP/l.tag"
hashdeep -c md5,sha1,sha256 "${plain[@]}" >"$TMP/l.hashdeep"
md5deep -z "${plain[@]}" >"$TMP/l.md5deep"

got "$TMP/l.md5sum" >"$TMP/got"
check "md5sum output: every digest, nothing else" cmp -s "$TMP/want.md5" "$TMP/got"
got "$TMP/l.sha1sum" >"$TMP/got"
check "sha1sum -b output" cmp -s "$TMP/want.sha1" "$TMP/got"
got "$TMP/l.sha256sum" >"$TMP/got"
check "sha256sum output (64 hex = SHA-256 without --type)" cmp -s "$TMP/want.sha256" "$TMP/got"
got "$TMP/l.tag" >"$TMP/got"
check "sha256sum --tag output" cmp -s "$TMP/want.sha256" "$TMP/got"
got "$TMP/l.hashdeep" >"$TMP/got"
sort "$TMP/want.md5.p" "$TMP/want.sha1.p" "$TMP/want.sha256.p" >"$TMP/want.all"
check "hashdeep output: md5, sha1 and sha256 of each file" cmp -s "$TMP/want.all" "$TMP/got"
got "$TMP/l.md5deep" >"$TMP/got"
check "md5deep -z output" cmp -s "$TMP/want.md5.p" "$TMP/got"
"$DUMP" "$TMP/l.hashdeep" | grep -q '^# stats format=hashdeep .* empty=3 ' &&
    ok "hashdeep: the empty file's three digests rejected and counted" ||
    not_ok "hashdeep: empty digests counted"

# A corrupted line: the import fails naming file and line, never the value.
victim=$(sed -n 3p "$TMP/l.md5sum" | sed 's/^\\//' | cut -c1-32)
sed '3s/^\(\\\?\)\(.\{31\}\)./\1\2g/' "$TMP/l.md5sum" >"$TMP/bad.md5sum"
expect_rc "corrupted md5sum line fails" 1 "$DUMP" "$TMP/bad.md5sum"
check "message names file and line 3" grep -q "bad.md5sum:3: " "$TMP/err"
check "message does not contain the digest" bash -c "! grep -q '${victim:0:31}' '$TMP/err'"
expect_rc "--skip-bad goes on" 0 "$DUMP" --skip-bad "$TMP/bad.md5sum"
check "skipped counted" grep -q 'bad=1 skipped=1' "$TMP/out"

# Standard input works as "-".
"$DUMP" - <"$TMP/l.sha256sum" | grep -v '^#' | sort >"$TMP/got"
check "reads standard input" cmp -s "$TMP/want.sha256" "$TMP/got"
finish
