# ops_fixture.sh — shared by test_ops.sh and test_settings.sh (sourced after lib.sh): a tree
# with one known photo ($T), a list naming it ($TMP/lists.vhs), a report-signing key ($K), and
# helpers to write settings files and read the scan_start record's settings.
VIGIL=$(readlink -f "$VIGIL")
PHOTOS="$VIGIL_TEST_DATA/photos"

# ---- fixtures: a tree with one known photo, a list naming it, a signing key ----
T="$TMP/tree"
mkdir -p "$T/a" "$T/b" "$TMP/clean"
cp "$PHOTOS/sk_rocket.jpg" "$T/a/rocket.jpg"
echo "notes" >"$T/b/notes.txt"
echo "nothing to see" >"$TMP/clean/x.txt"
printf 'SHA256,ImageID\n%s,rocket-1\n' "$(sha256sum "$PHOTOS/sk_rocket.jpg" | cut -c1-64)" \
    >"$TMP/list.csv"
check "list built" "$VIGIL" hashlist build -o "$TMP/lists.vhs" --list-name ops-test \
    "$TMP/list.csv"
check "key made" "$VIGIL" keygen --out "$TMP/sign" >/dev/null
K="$TMP/sign.key"

conf() { # conf FILE LINES... : a settings file
    local f=$1
    shift
    printf '%s\n' "# test settings" "[scan]" "$@" >"$f"
}
# scan_start of the only report under $1 -> $TMP/start.json
start_rec() { head -n1 "$1"/vigil-*/records.jsonl >"$TMP/start.json"; }
has_cfg() { # has_cfg NAME VALUE: scan_start's config holds that pair
    python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["config"];
sys.exit(0 if {"name":sys.argv[2],"value":sys.argv[3]} in c else 1)' "$TMP/start.json" "$1" "$2"
}
no_cfg() { # no_cfg NAME: scan_start's config has no such name
    python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["config"];
sys.exit(1 if any(e["name"]==sys.argv[2] for e in c) else 0)' "$TMP/start.json" "$1"
}
