#!/usr/bin/env bash
# test_scan_formats.sh — issue 9 end to end: harmless corpus photos converted into every format
# vigil decodes (each with its library's own encoder), an edited photo whose EXIF thumbnail still
# shows the original, and photos inside documents (DOCX, ODT, PPTX via their zip containers; PDF
# via its JPEG streams) are scanned against a list holding only the ORIGINALS' PDQ hashes: every
# copy must match by PDQ within the normal threshold, under its own item name.
. "$(dirname "$0")/lib.sh"
: "${MKVHS:?}" "${MKARC:?}" "${MKFORMAT:?}"
P="$VIGIL_TEST_DATA/photos"
PY=/usr/bin/python3
T="$TMP/tree"
mkdir -p "$T/phone" "$T/docs" "$TMP/parts"

# mk FORMAT OUT PHOTO [PHOTO2]: a missing library (exit 3) fails the test: bootstrap installs all.
mk() { "$MKFORMAT" "$@" || not_ok "mkformat $1 $2"; }
mk heic "$T/phone/IMG_0001.HEIC" "$P/sk_chelsea.png"
mk avif "$T/phone/IMG_0002.avif" "$P/sk_coffee.png"
mk webp "$T/phone/sticker.webp" "$P/sk_astronaut.png"
mk webp-lossless "$T/phone/lossless.webp" "$P/sk_horse.png"
mk gif "$T/phone/funny.gif" "$P/sk_camera.png"
mk tiff "$T/phone/scan.tif" "$P/sk_coins.png"
mk bmp "$T/phone/paint.bmp" "$P/sk_rocket.jpg"
# named without extensions, and misnamed: sniffing, never the name
mk heic "$T/phone/no-extension" "$P/sk_astronaut.png"
mk avif "$T/phone/looks-like.txt" "$P/sk_rocket.jpg"
# an edit of the main image (replaced by an unrelated one) that kept the old EXIF thumbnail
mk exif "$T/phone/edited.jpg" "$P/sk_chelsea.png" "$P/sk_page.png"
mk heic-thumb "$T/phone/IMG_0003.HEIC" "$P/sk_coins.png" "$P/sk_page.png"
mk pdf "$T/docs/report.pdf" "$P/sk_coffee.png"

# OOXML and ODF: zip containers with the picture in their media folder.
mk jpeg "$TMP/parts/image1.jpeg" "$P/sk_astronaut.png"
mk gif "$TMP/parts/image2.gif" "$P/sk_horse.png"
echo '<?xml version="1.0"?><Types/>' >"$TMP/parts/ct.xml"
echo '<?xml version="1.0"?><w:document/>' >"$TMP/parts/doc.xml"
printf 'application/vnd.oasis.opendocument.text' >"$TMP/parts/mimetype"
"$MKARC" "$T/docs/letter.docx" zip - - "[Content_Types].xml=$TMP/parts/ct.xml" \
    "word/document.xml=$TMP/parts/doc.xml" "word/media/image1.jpeg=$TMP/parts/image1.jpeg"
"$MKARC" "$T/docs/slides.pptx" zip - - "[Content_Types].xml=$TMP/parts/ct.xml" \
    "ppt/media/image2.gif=$TMP/parts/image2.gif"
"$MKARC" "$T/docs/notes.odt" zip - - "mimetype=$TMP/parts/mimetype" \
    "Pictures/1000000000.png=$P/sk_camera.png"
# a PDF inside a zip: its JPEG is reached through the archive path too
"$MKARC" "$T/docs/mail.zip" zip - - "attachments/report.pdf=$T/docs/report.pdf"

# The list holds the originals' PDQ hashes only: nothing above is byte-identical to a listed file.
for f in sk_chelsea.png sk_coffee.png sk_astronaut.png sk_horse.png sk_camera.png sk_coins.png \
    sk_rocket.jpg; do
    echo "pdq-of $P/$f ${f%.*}"
done >"$TMP/list.txt"
check "list built" "$MKVHS" "$TMP/lists.vhs" <"$TMP/list.txt"

"$VIGIL" keygen --out "$TMP/sign" >/dev/null || not_ok "keygen"
expect_rc "scan finds matches, complete coverage (exit 1)" 1 "$VIGIL" scan --no-cache \
    --sign-key "$TMP/sign.key" "$T" --hashlist "$TMP/lists.vhs" --report "$TMP/rep" -j 2
check "sealed report verifies" "$VIGIL" verify "$TMP"/rep/vigil-* --pubkey "$TMP/sign.pub"
cat "$TMP"/rep/vigil-*/records.jsonl >"$TMP/rec.jsonl"
# Checks over the records (python3): disp(r) is the display path, outer!entry!entry, with an
# embedded image's name ("#exif-thumbnail", "#jpeg@OFFSET") appended without a "!".
q() { "$PY" - "$TMP/rec.jsonl" "$1" <<'PYEOF'
import json, sys
R = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
M = [r for r in R if r["type"] == "match"]
F = [r for r in R if r["type"] == "file"]
FS = {f["seq"]: f for f in F}
def disp(r):
    return r.get("path", "") + "".join(
        ("" if i["name"].startswith("#") else "!") + i["name"] for i in r.get("inner", []))
def pdq(suffix):
    return any(disp(FS[m["file_seq"]]).endswith(suffix) and m["how"] == "pdq"
               and m["distance"] <= 31 for m in M)
def kind(suffix):
    return [f["kind"] for f in F if disp(f).endswith(suffix)]
sys.exit(0 if eval(sys.argv[2]) else 1)
PYEOF
}
for item in phone/IMG_0001.HEIC phone/IMG_0002.avif phone/sticker.webp phone/lossless.webp \
    phone/funny.gif phone/scan.tif phone/paint.bmp phone/no-extension phone/looks-like.txt \
    "phone/edited.jpg#exif-thumbnail" "phone/IMG_0003.HEIC#heif-thumbnail" "docs/letter.docx!word/media/image1.jpeg" \
    "docs/slides.pptx!ppt/media/image2.gif" "docs/notes.odt!Pictures/1000000000.png"; do
    check "$item matches its original by PDQ" q "pdq('/$item')"
done
check "PDF's JPEG matches" \
    q 'any("/docs/report.pdf#jpeg@" in disp(FS[m["file_seq"]]) and m["how"] == "pdq" for m in M)'
check "PDF in a zip: its JPEG matches" \
    q 'any("/docs/mail.zip!attachments/report.pdf#jpeg@" in disp(FS[m["file_seq"]]) for m in M)'
check "the edited main image itself does not match" q 'not pdq("/phone/edited.jpg")'
check "kinds by content" q 'kind("/IMG_0001.HEIC") == ["heif"] and kind("/IMG_0002.avif") == ["avif"] and kind("/looks-like.txt") == ["avif"] and kind("/docs/report.pdf") == ["pdf"] and kind("/paint.bmp") == ["bmp"]'
check "thumbnail is its own item, named inside the photo" \
    q 'any(f["path"].endswith("/edited.jpg") and f.get("inner") == [{"name": "#exif-thumbnail"}] and f["kind"] == "jpeg" and "pdq" in f and "md5" in f for f in F)'
check "HEIF thumbnail: PDQ only (no bytes of its own), the edited primary does not match" \
    q 'any(disp(f).endswith("/IMG_0003.HEIC#heif-thumbnail") and "pdq" in f and "md5" not in f for f in F) and not pdq("/IMG_0003.HEIC")'
check "no thumbnail item for a HEIC without one" q 'not kind("/IMG_0001.HEIC#heif-thumbnail")'
check "no errors, no limits" q 'not [r for r in R if r["type"] in ("error", "limit")]'

# The same through `vigil hash`: every converted photo gets a PDQ.
expect_rc "vigil hash reads every format" 0 "$VIGIL" hash -r --format=jsonl "$T/phone"
check "a PDQ for each of the 11 phone files" \
    test "$(grep -c '"pdq":"' "$TMP/out")" -ge 11
finish
