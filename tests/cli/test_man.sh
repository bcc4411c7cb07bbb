#!/usr/bin/env bash
# test_man.sh — vigil(1) cannot drift from the program: every command and sub-command that
# `--help` lists has its section in the man page and in the README, every long option a
# command's --help prints is documented in that command's man section and in the README, and
# every exit code of `vigil scan --help` is in the man page's EXIT STATUS and the README table.
# Also: groff reads the page without a warning and man(1) can index it (NAME section).
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
MAN1="$SRC/packaging/man/vigil.1"
README="$SRC/README.md"

check "man page exists" test -s "$MAN1"
expect_rc "groff reads vigil.1 without warnings" 0 groff -man -ww -z "$MAN1"
check "no groff warnings" test ! -s "$TMP/err"
check "man(1) indexes the NAME section" bash -c "lexgrog '$MAN1' | grep -q 'vigil - find known'"
check "man renders it" bash -c "MANWIDTH=80 man -l '$MAN1' 2>&1 >/dev/null | (! grep -q .)"

# The man source with roff escapes undone: \- -> -, fonts dropped.
plain() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(em/--/g' "$1"; }
plain "$MAN1" >"$TMP/man.txt"

# Section of the man page for "vigil CMD" (from its .SS line to the next .SS/.SH).
section() {
    awk -v want=".SS \"vigil $1 " 'index($0, want) == 1 { on = 1; print; next }
        on && /^\.(SS|SH)/ { exit } on { print }' "$TMP/man.txt"
}

# Commands listed by `--help` (lines "  name   summary" after "Commands:").
commands() { "$@" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]+  / { print $1 }'; }
cmds=$(commands "$VIGIL")
check "vigil --help lists commands" test -n "$cmds"

# Long options a --help text defines: its Usage line and its option table (lines that start
# with "  -x, --opt" or "      --opt"); without --help/--version (documented once, globally).
long_opts() {
    grep -E '^(Usage:|[[:space:]]+(-[A-Za-z], )?--[a-z])' |
        sed -E 's/^[[:space:]]+((-[A-Za-z], )?--[a-z][a-z0-9-]*).*/\1/' |
        grep -oE -- '--[a-z][a-z0-9-]*' | grep -vxE -- '--(help|version)' | sort -u
}

# check_cmd "scan" | "hashlist build" ...
check_cmd() {
    local name=$1 sec opt
    # shellcheck disable=SC2086
    "$VIGIL" $name --help >"$TMP/help" 2>&1
    section "$name" >"$TMP/sec"
    if [ -s "$TMP/sec" ]; then ok "man: section for vigil $name"; else
        not_ok "man: no '.SS \"vigil $name ...' section"
        return
    fi
    if grep -qF "vigil $name" "$README"; then ok "README: vigil $name"; else
        not_ok "README does not mention 'vigil $name'"
    fi
    for opt in $(long_opts <"$TMP/help"); do
        if grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" "$TMP/sec"; then :; else
            not_ok "man: vigil $name $opt is not in its section"
        fi
        if grep -qE -- "$opt([^a-z-]|$)" "$README"; then :; else
            not_ok "README: vigil $name $opt is not documented"
        fi
        PASS=$((PASS + 1))
    done
}

for c in $cmds; do
    check_cmd "$c"
    for sub in $(commands "$VIGIL" "$c"); do
        check_cmd "$c $sub"
    done
done

# Exit codes of vigil scan: "  N  meaning" lines under "Exit status" in --help.
codes=$("$VIGIL" scan --help | awk '/^Exit status/ { on = 1; next } on && /^  [0-9]+  / { print $1 }')
check "vigil scan --help lists exit codes" test -n "$codes"
awk '/^\.SH EXIT STATUS/ { on = 1 } /^\.SH / && !/EXIT STATUS/ { on = 0 } on' "$TMP/man.txt" |
    awk -v want='.SS "vigil scan"' 'index($0, want) == 1 { on = 1; next }
        on && /^\.SS/ { exit } on { print }' >"$TMP/scan_exit"
for code in $codes; do
    check "man: scan exit code $code" grep -qx ".B $code" "$TMP/scan_exit"
    check "README: scan exit code $code" grep -qE "^\| $code \|" "$README"
done
finish
