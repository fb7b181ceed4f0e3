#!/usr/bin/env bash
# CI check: the README's command-line walk-through runs as written, in order, on a new data dir:
# the second ```sh block of "## From the command line" (the first builds the binaries) and the
# first ```sh block of "## With a platform", with the freshly built `smartstore` and
# `smartstore-hub` on the PATH, in a new folder that sees the checkout's assets/.
# Usage: packaging/readme-check.sh        (from anywhere; builds the debug binaries)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
cargo build --locked --bins --quiet
export PATH="$repo/target/debug:$PATH"
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
ln -s "$repo/assets" "$work/assets"

# block SECTION N: the Nth ```sh block after the heading SECTION (up to the next heading).
block() {
    awk -v section="$1" -v want="$2" '
        /^## / { inside = ($0 == section); n = 0; next }
        inside && /^```sh$/ { n++; if (n == want) { on = 1 }; next }
        on && /^```$/ { exit }
        on { print }
    ' README.md
}
{
    echo 'set -euo pipefail'
    echo 'trap '"'"'kill $(jobs -p) 2>/dev/null || true'"'"' EXIT'
    block "## From the command line" 2
    block "## With a platform" 1
} >"$work/walkthrough.sh"
lines=$(grep -c . "$work/walkthrough.sh")
if [ "$lines" -lt 20 ]; then
    echo "readme-check: the README's walk-through blocks were not found ($lines lines)" >&2
    exit 1
fi
cd "$work"
if bash -x walkthrough.sh >"$work/out.log" 2>&1; then
    echo "readme-check: PASS ($((lines - 2)) lines of README.md ran in order on a new data dir)"
else
    rc=$?
    tail -40 "$work/out.log" >&2
    echo "readme-check: FAIL (exit $rc): the last lines above show the README line that failed" >&2
    exit 1
fi
