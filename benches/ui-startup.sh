#!/usr/bin/env bash
# Window benchmark (issue 6): cold start to the first camera frame on screen, and resident
# memory with the camera running, from the real window under Xvfb with the replay camera.
# Needs `apt-get install -y xvfb xauth`. Prints a markdown table.
# Usage: benches/ui-startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin smartstore --quiet
RUNS=${1:-5}
BIN=$PWD/target/release/smartstore
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# A database that already exists (a terminal's usual start), so the demo catalog import is not timed.
SMARTSTORE_DATA_DIR=$WORK/data "$BIN" orders >/dev/null
echo "| run | process start → first frame (ms) | RSS at first frame (MiB) | RSS after 20 s (MiB) |"
echo "|---|---|---|---|"
for i in $(seq 1 "$RUNS"); do
    start=$(date +%s%3N)
    SMARTSTORE_DATA_DIR=$WORK/data SMARTSTORE_LOG=smartstore::perf=info,warn NO_COLOR=1 \
        xvfb-run -a -s "-screen 0 1280x800x24" "$BIN" ui --mode counter --lang en \
        --camera "replay:$PWD/assets/demo-frames@30" --screenshot "$WORK/shot.png" --screenshot-after-ms 21000 \
        2> "$WORK/log" || true
    first=$(grep -o 'first_frame_unix_ms=[0-9]*' "$WORK/log" | head -1 | cut -d= -f2)
    rss0=$(grep 'first camera frame' "$WORK/log" | grep -o 'rss_kib=[0-9]*' | head -1 | cut -d= -f2)
    rss20=$(grep '"memory"\|memory' "$WORK/log" | grep -o 'rss_kib=[0-9]*' | tail -1 | cut -d= -f2)
    echo "| $i | $((first - start)) | $((rss0 / 1024)) | $((rss20 / 1024)) |"
done
