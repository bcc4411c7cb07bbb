#!/usr/bin/env bash
# Unreadable files and directories, as a user without privileges (root reads everything, so
# the walk runs as `nobody` through setpriv): each is named with its reason, the rest is walked.
. "$(dirname "$0")/../cli/lib.sh"
: "${WALKDUMP:?WALKDUMP must name the walkdump tool}"

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
    echo "skipped: needs root and setpriv to switch to nobody"
    exit 0
fi
chmod 755 "$TMP"
mkdir -p "$TMP/t/open" "$TMP/t/closed/inside"
echo ok >"$TMP/t/open/readable.txt"
echo secret >"$TMP/t/open/unreadable.txt"
echo hidden >"$TMP/t/closed/inside/x.txt"
chmod 000 "$TMP/t/open/unreadable.txt" "$TMP/t/closed"
cp "$WALKDUMP" "$TMP/walkdump" && chmod 755 "$TMP/walkdump"

setpriv --reuid=nobody --regid=nogroup --clear-groups "$TMP/walkdump" "$TMP/t" >"$TMP/dump" 2>&1
rc=$?
cat "$TMP/dump"
check "walk finishes" [ "$rc" = 0 ]
check "readable file opened" grep -qx "file $TMP/t/open/readable.txt" "$TMP/dump"
check "unreadable file named with EACCES" grep -qx "open-error 13 $TMP/t/open/unreadable.txt" "$TMP/dump"
check "unreadable directory named with EACCES" grep -qx "error unreadable 13 $TMP/t/closed" "$TMP/dump"
check "nothing inside the closed directory" bash -c "! grep -q inside '$TMP/dump'"
check "three lines, nothing silent" [ "$(wc -l <"$TMP/dump")" = 3 ]
chmod -R 700 "$TMP/t/closed"
finish
