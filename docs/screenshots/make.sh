#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png: the real window under Xvfb, on throwaway demo stores,
# with the bundled demo frames as the replay camera. Needs `apt-get install -y xvfb xauth`.
# Usage: docs/screenshots/make.sh            (from anywhere; builds the release binaries)
#        BIN=… HUB=… docs/screenshots/make.sh (binaries already built: no build)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${BIN:-}" ]; then
    cargo build --release --bins --quiet
fi
BIN=${BIN:-${CARGO_TARGET_DIR:-$PWD/target}/release/smartstore}
HUB=${HUB:-${CARGO_TARGET_DIR:-$PWD/target}/release/smartstore-hub}
OUT=$PWD/docs/screenshots
WORK=$(mktemp -d)
HUBPID=""
cleanup() { [ -n "$HUBPID" ] && kill "$HUBPID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

CART=(--scan 6921000000019 --scan 6921000000019 --scan 6931003700045 --scan 69000171)
ADDRESS="88 Century Avenue, Pudong, Shanghai"

# shot NAME DATA_DIR ARGS...: one screenshot of the window.
shot() {
    local name=$1 data=$2
    shift 2
    mkdir -p "$data"
    SMARTSTORE_DATA_DIR=$data SMARTSTORE_LOG=error xvfb-run -a -s "-screen 0 ${XVFB_SCREEN:-1280x800}x24" \
        "$BIN" ui --camera "${CAMERA:-replay:$PWD/assets/demo-frames@10}" \
        --screenshot "$OUT/$name.png" --screenshot-after-ms 4000 "$@"
    echo "$OUT/$name.png"
}

# An enrolled terminal and a pickup code, for the pickup screen.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$HUB" --db "$WORK/hub.db" catalog import assets/demo-catalog.csv >/dev/null
"$HUB" --db "$WORK/hub.db" serve --listen "127.0.0.1:$PORT" >/dev/null &
HUBPID=$!
sleep 1

# SHOTS=issue12 makes only the screens of issue 12 (at the end).
if [ "${SHOTS:-all}" = all ]; then
for lang in en zh-CN; do
    shot "counter-empty-$lang" "$WORK/empty-$lang" --mode counter --lang "$lang"
    shot "counter-cart-$lang" "$WORK/cart-$lang" --mode counter --lang "$lang" "${CART[@]}" --address "$ADDRESS"
    # A live camera would start the next order after the confirmation: a USB-scanner counter.
    CAMERA=none shot "counter-confirmation-$lang" "$WORK/placed-$lang" --mode counter --lang "$lang" "${CART[@]}" --address "$ADDRESS" --place
    shot "kiosk-attract-$lang" "$WORK/attract-$lang" --mode kiosk --lang "$lang"
    shot "kiosk-shopping-$lang" "$WORK/kiosk-$lang" --mode kiosk --lang "$lang" --screen kiosk-shopping "${CART[@]}"
    shot "setup-language-$lang" "$WORK/setup1-$lang" --mode setup --lang "$lang"
    shot "setup-enrol-$lang" "$WORK/setup2-$lang" --mode setup --lang "$lang" --screen setup-enrol
    shot "setup-camera-$lang" "$WORK/setup3-$lang" --mode setup --lang "$lang" --screen setup-camera
    shot "setup-diagnostics-$lang" "$WORK/setup4-$lang" --mode setup --lang "$lang" --screen setup-diagnostics

    term="$WORK/pickup-$lang"
    token=$("$HUB" --db "$WORK/hub.db" enrolment-token --store SH001)
    SMARTSTORE_DATA_DIR=$term "$BIN" enroll --platform "http://127.0.0.1:$PORT" --token "$token" >/dev/null
    SMARTSTORE_DATA_DIR=$term "$BIN" sync --once >/dev/null
    code=$("$HUB" --db "$WORK/hub.db" issue pickup --store SH001 --order "WEB-2026-1122-$lang" \
        --line 6921000000019:2 --line 6941007400063:6)
    CAMERA=none shot "counter-pickup-$lang" "$term" --mode counter --lang "$lang" --scan "$code"
done

# The screens changed by the typed refusals (issue 11) at the two screen sizes of the shop floor:
# NAME-LANG-WxH.png.
for size in 1366x768 1920x1080; do
    for lang in en zh-CN; do
        export SMARTSTORE_WINDOW_SIZE=$size
        XVFB_SCREEN=$size shot "setup-diagnostics-$lang-$size" "$WORK/s4-$lang-$size" --mode setup --lang "$lang" --screen setup-diagnostics
        XVFB_SCREEN=$size shot "setup-camera-$lang-$size" "$WORK/s3-$lang-$size" --mode setup --lang "$lang" --screen setup-camera
        CAMERA=none XVFB_SCREEN=$size shot "counter-refused-$lang-$size" "$WORK/r-$lang-$size" --mode counter --lang "$lang" --scan 6921000000019 --scan 4006381333931
        unset SMARTSTORE_WINDOW_SIZE
    done
done
fi

if [ "${SHOTS:-all}" = all ] || [ "$SHOTS" = issue12 ]; then
# Issues 12 and 13 (SHOTS=issue12): the diagnostics with the new checks; the counter on a damaged database (opened read-only, every sale refused with the
# reason), and on a copied terminal the platform caught reusing sequence numbers, with an
# event set aside. Needs sqlite3 (only to make the damage and the oversized event).
damaged="$WORK/damaged"
for i in 1 2 3; do
    SMARTSTORE_DATA_DIR=$damaged "$BIN" order create --fulfil deliver --scan 6921000000019 --address "$ADDRESS" --pay cash >/dev/null
done
pages=$(sqlite3 "$damaged/smartstore.db" 'PRAGMA page_count')
# Scribble over the last page (the newest orders), as a failing disk would.
dd if=/dev/urandom of="$damaged/smartstore.db" bs=4096 seek=$((pages - 1)) count=1 conv=notrunc 2>/dev/null

copied="$WORK/copied"
original="$WORK/original"
token=$("$HUB" --db "$WORK/hub.db" enrolment-token --store SH001)
SMARTSTORE_DATA_DIR=$original "$BIN" enroll --platform "http://127.0.0.1:$PORT" --token "$token" >/dev/null
SMARTSTORE_DATA_DIR=$original "$BIN" sync --once >/dev/null
SMARTSTORE_DATA_DIR=$original "$BIN" order create --fulfil deliver --scan 6921000000019 --address "$ADDRESS" --pay cash >/dev/null
# An order event from before the name limits, larger than the platform accepts.
sqlite3 "$original/smartstore.db" "INSERT INTO outbox (seq, event_id, type, payload, created_at) VALUES (2, 'big-1', 'order.placed', '{\"name\":\"' || hex(zeroblob(200000)) || '\"}', '2026-11-30T10:00:00Z')"
SMARTSTORE_DATA_DIR=$original "$BIN" order create --fulfil deliver --scan 6921000000019 --address "$ADDRESS" --pay cash >/dev/null
SMARTSTORE_DATA_DIR=$original "$BIN" sync --once >/dev/null
cp -r "$original" "$copied"
SMARTSTORE_DATA_DIR=$original "$BIN" order create --fulfil deliver --scan 6921000000019 --address "$ADDRESS" --pay cash >/dev/null
SMARTSTORE_DATA_DIR=$original "$BIN" sync --once >/dev/null
SMARTSTORE_DATA_DIR=$copied "$BIN" order create --fulfil deliver --scan 6921000000019 --address "$ADDRESS" --pay cash >/dev/null
SMARTSTORE_DATA_DIR=$copied "$BIN" sync --once >/dev/null 2>&1 || true   # the conflict

for lang in en zh-CN; do
    shot "setup-diagnostics-$lang" "$WORK/d12-$lang" --mode setup --lang "$lang" --screen setup-diagnostics
done
for size in 1366x768 1920x1080; do
    for lang in en zh-CN; do
        export SMARTSTORE_WINDOW_SIZE=$size
        XVFB_SCREEN=$size shot "setup-diagnostics-$lang-$size" "$WORK/d12-$lang-$size" --mode setup --lang "$lang" --screen setup-diagnostics
        CAMERA=none XVFB_SCREEN=$size shot "counter-damaged-$lang-$size" "$damaged" --mode counter --lang "$lang" --scan 6921000000019 --address "$ADDRESS" --place
        CAMERA=none XVFB_SCREEN=$size shot "counter-copied-$lang-$size" "$copied" --mode counter --lang "$lang" --scan 6921000000019
        unset SMARTSTORE_WINDOW_SIZE
    done
done
fi

# Issue 14 (SHOTS=issue14): the counter's void button and approval, the confirmation with its
# void button, and the returns desk with a receipt found; issue 15's shift opening.
if [ "${SHOTS:-all}" = all ] || [ "$SHOTS" = issue14 ]; then
for size in 1366x768 1920x1080; do
    for lang in en zh-CN; do
        export SMARTSTORE_WINDOW_SIZE=$size
        store="$WORK/returns-$lang-$size"
        SMARTSTORE_DATA_DIR=$store "$BIN" order create --fulfil deliver "${CART[@]}" --address "$ADDRESS" --pay cash:100 >/dev/null
        CAMERA=none XVFB_SCREEN=$size shot "counter-void-$lang-$size" "$WORK/v-$lang-$size" --mode counter --lang "$lang" "${CART[@]}" --address "$ADDRESS" --screen counter-void
        CAMERA=none XVFB_SCREEN=$size shot "counter-confirmation-$lang-$size" "$WORK/p-$lang-$size" --mode counter --lang "$lang" "${CART[@]}" --address "$ADDRESS" --place
        CAMERA=none XVFB_SCREEN=$size shot "counter-returns-$lang-$size" "$store" --mode counter --lang "$lang" --screen counter-returns --scan DEMO-T01-000001
        # Issue 15: the float asked for before the first sale.
        CAMERA=none XVFB_SCREEN=$size shot "counter-shift-$lang-$size" "$WORK/sh-$lang-$size" --mode counter --lang "$lang" "${CART[@]}" --address "$ADDRESS" --screen counter-shift
        # The diagnostics gained the payments check.
        XVFB_SCREEN=$size shot "setup-diagnostics-$lang-$size" "$WORK/d14-$lang-$size" --mode setup --lang "$lang" --screen setup-diagnostics
        unset SMARTSTORE_WINDOW_SIZE
    done
done
fi

# Issue 15 (SHOTS=issue15): the counter with "take now" and the Shift button, the shift desk's
# X report and its blind count, the customer display (cart, then thanks with the e-receipt QR).
if [ "${SHOTS:-all}" = all ] || [ "$SHOTS" = issue15 ]; then
for size in 1366x768 1920x1080; do
    for lang in en zh-CN; do
        export SMARTSTORE_WINDOW_SIZE=$size
        day="$WORK/day-$lang-$size"
        SMARTSTORE_DATA_DIR=$day "$BIN" shift open --float 200.00 --staff amy >/dev/null
        SMARTSTORE_DATA_DIR=$day "$BIN" order create "${CART[@]}" --pay cash:100 >/dev/null
        SMARTSTORE_DATA_DIR=$day "$BIN" order create --scan 6921000000019 --pay card:AUTH-1 --staff bo >/dev/null
        SMARTSTORE_DATA_DIR=$day "$BIN" shift cash --out 50.00 --reason "to the safe" >/dev/null
        CAMERA=none XVFB_SCREEN=$size shot "counter-cart-$lang-$size" "$WORK/c15-$lang-$size" --mode counter --lang "$lang" "${CART[@]}"
        CAMERA=none XVFB_SCREEN=$size shot "counter-x-$lang-$size" "$day" --mode counter --lang "$lang" --screen counter-x
        CAMERA=none XVFB_SCREEN=$size shot "counter-close-$lang-$size" "$day" --mode counter --lang "$lang" --screen counter-close
        CAMERA=none XVFB_SCREEN=$size shot "customer-cart-$lang-$size" "$WORK/cc-$lang-$size" --mode counter --lang "$lang" "${CART[@]}" --screen customer
        CAMERA=none XVFB_SCREEN=$size shot "customer-thanks-$lang-$size" "$WORK/ct-$lang-$size" --mode counter --lang "$lang" "${CART[@]}" --place --screen customer
        CAMERA=none XVFB_SCREEN=$size shot "customer-idle-$lang-$size" "$WORK/ci-$lang-$size" --mode counter --lang "$lang" --screen customer
        unset SMARTSTORE_WINDOW_SIZE
    done
done
fi

# Issue 19 (SHOTS=issue19): every kiosk screen, the counter with an age-restricted line, a kiosk's
# age check being approved at the counter, and setup, from the smallest kiosk screen (1024x600)
# to 1920x1080, in both languages.
if [ "${SHOTS:-all}" = all ] || [ "$SHOTS" = issue19 ]; then
BEER=6961170200949
for size in 1024x600 1366x768 1920x1080; do
    for lang in en zh-CN; do
        export SMARTSTORE_WINDOW_SIZE=$size
        XVFB_SCREEN=$size shot "kiosk-attract-$lang-$size" "$WORK/ka-$lang-$size" --mode kiosk --lang "$lang"
        XVFB_SCREEN=$size shot "kiosk-shopping-$lang-$size" "$WORK/ks-$lang-$size" --mode kiosk --lang "$lang" --screen kiosk-shopping "${CART[@]}"
        CAMERA=none XVFB_SCREEN=$size shot "kiosk-checkout-$lang-$size" "$WORK/kc-$lang-$size" --mode kiosk --lang "$lang" --screen kiosk-checkout "${CART[@]}"
        CAMERA=none XVFB_SCREEN=$size shot "kiosk-age-$lang-$size" "$WORK/kg-$lang-$size" --mode kiosk --lang "$lang" --screen kiosk-checkout --scan "$BEER"
        CAMERA=none XVFB_SCREEN=$size shot "counter-age-$lang-$size" "$WORK/cg-$lang-$size" --mode counter --lang "$lang" --scan "$BEER" --scan 6921000000019
        CAMERA=none XVFB_SCREEN=$size shot "counter-age-call-$lang-$size" "$WORK/cac-$lang-$size" --mode counter --lang "$lang" --screen counter-age-call "${CART[@]}"
        XVFB_SCREEN=$size shot "setup-language-$lang-$size" "$WORK/sl-$lang-$size" --mode setup --lang "$lang"
        XVFB_SCREEN=$size shot "setup-enrol-$lang-$size" "$WORK/se-$lang-$size" --mode setup --lang "$lang" --screen setup-enrol
        unset SMARTSTORE_WINDOW_SIZE
    done
done
fi

# Issue 18 (SHOTS=weighed): weighed goods at the counter and the kiosk: a tea, a scale's EAN-13
# (532 g of pork belly at ¥29.80/kg) twice, a GS1 DataBar Expanded label (salmon, 01 + 3103 +
# 17), apples by weight, then a salmon label past its expiry date, refused.
if [ "${SHOTS:-all}" = all ] || [ "$SHOTS" = weighed ]; then
WEIGHED=(--scan 6921000000019 --scan 2200101005326 --scan 2200101005326
    --scan "(01)96921000100019(3103)000532(17)991231" --scan 2200001012509
    --scan "(01)96921000100019(3103)000400(17)200101")
for size in 1366x768 1920x1080; do
    for lang in en zh-CN; do
        export SMARTSTORE_WINDOW_SIZE=$size
        CAMERA=none XVFB_SCREEN=$size shot "counter-weighed-$lang-$size" "$WORK/w-$lang-$size" --mode counter --lang "$lang" "${WEIGHED[@]}"
        CAMERA=none XVFB_SCREEN=$size shot "kiosk-weighed-$lang-$size" "$WORK/kw-$lang-$size" --mode kiosk --lang "$lang" --screen kiosk-shopping "${WEIGHED[@]}"
        unset SMARTSTORE_WINDOW_SIZE
    done
done
fi

# Issue 16 (SHOTS=online): the counter's online-order queue, and an order with its pick list
# (one of two teas picked, the wrong item refused), at both shop-floor sizes and in both
# languages. Store SH001 holds the stock; each terminal gets its own order.
if [ "${SHOTS:-all}" = all ] || [ "$SHOTS" = online ]; then
"$HUB" --db "$WORK/hub.db" store add --id SH001 --name "Lujiazui" --at 31.2397,121.4998 >/dev/null
printf 'gtin,qty\n6921000000019,40\n6941007400063,24\n6951296001490,12\n' >"$WORK/stock.csv"
"$HUB" --db "$WORK/hub.db" stock import --store SH001 "$WORK/stock.csv" >/dev/null
n=0
for size in 1366x768 1920x1080; do
    for lang in en zh-CN; do
        n=$((n + 1))
        term="$WORK/online-$lang-$size"
        token=$("$HUB" --db "$WORK/hub.db" enrolment-token --store SH001)
        SMARTSTORE_DATA_DIR=$term "$BIN" enroll --platform "http://127.0.0.1:$PORT" --token "$token" >/dev/null
        SMARTSTORE_DATA_DIR=$term "$BIN" catalog import assets/demo-catalog.csv >/dev/null
        "$HUB" --db "$WORK/hub.db" online-order create --id "TM-11$n-A" --line 6921000000019:2 \
            --line 6941007400063:1 --line 6951296001490:1 --deliver-to "$ADDRESS" --near 31.2351,121.5055 >/dev/null
        "$HUB" --db "$WORK/hub.db" online-order create --id "TM-11$n-B" --line 6941007400063:2 \
            --pickup-store SH001 >/dev/null
        SMARTSTORE_DATA_DIR=$term "$BIN" sync --once >/dev/null
        first=$(SMARTSTORE_DATA_DIR=$term "$BIN" fulfil list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["order_id"])')
        SMARTSTORE_DATA_DIR=$term "$BIN" fulfil pick "$first" --scan 6921000000019 >/dev/null
        export SMARTSTORE_WINDOW_SIZE=$size
        CAMERA=none XVFB_SCREEN=$size shot "counter-fulfil-$lang-$size" "$term" --mode counter --lang "$lang" --screen counter-fulfil
        CAMERA=none XVFB_SCREEN=$size shot "counter-fulfil-order-$lang-$size" "$term" --mode counter --lang "$lang" --screen counter-fulfil-order
        unset SMARTSTORE_WINDOW_SIZE
    done
done
fi

# Issue 16 (SHOTS=mirror): Magic Mirror. An enrolled terminal sells to a member who consented
# (and to shoppers without a code); the hub builds the recommendations, the terminal pulls
# them; then the member's code is scanned at the counter and at the kiosk.
if [ "${SHOTS:-all}" = all ] || [ "$SHOTS" = mirror ]; then
mirror="$WORK/mirror"
token=$("$HUB" --db "$WORK/hub.db" enrolment-token --store SH001)
SMARTSTORE_DATA_DIR=$mirror "$BIN" enroll --platform "http://127.0.0.1:$PORT" --token "$token" >/dev/null
SMARTSTORE_DATA_DIR=$mirror "$BIN" sync --once >/dev/null
# The store's counted stock at the platform (the demo catalog's figures): the terminal follows it.
"$HUB" --db "$WORK/hub.db" store add --id SH001 --name Lujiazui --at 31.24,121.50 >/dev/null
awk -F, 'NR == 1 { print "gtin,qty"; next } $9 != "" { print $1 "," $9 }' assets/demo-catalog.csv >"$WORK/stock.csv"
"$HUB" --db "$WORK/hub.db" stock import --store SH001 "$WORK/stock.csv" >/dev/null
member=$("$HUB" --db "$WORK/hub.db" issue member --member M-1122 --name "Li Wei" --address "$ADDRESS" --consent)
sell() { SMARTSTORE_DATA_DIR=$mirror "$BIN" order create --fulfil deliver --address "$ADDRESS" --pay cash "$@" >/dev/null; }
# Li Wei: green tea and fresh milk. Other shoppers: tea with oolong and yoghurt, milk with soy
# milk and juice, water with sparkling water.
sell --scan "$member" --scan 6921000000019 --scan 6981022200163
sell --scan "$member" --scan 6921000000019
for _ in 1 2 3; do
    sell --scan 6921000000019 --scan 6931003700045 --scan 6921025900189
    sell --scan 6981022200163 --scan 6971018500148 --scan 6961014800120
    sell --scan 6951011100095 --scan 6941007400063
done
sell --scan 6921000000019 --scan 6931003700052 --scan 6971018500155
SMARTSTORE_DATA_DIR=$mirror "$BIN" sync --once >/dev/null
"$HUB" --db "$WORK/hub.db" recommend build >/dev/null
SMARTSTORE_DATA_DIR=$mirror "$BIN" sync --once >/dev/null
# Shelves are the store's own: a local import of the demo catalog brings them.
SMARTSTORE_DATA_DIR=$mirror "$BIN" catalog import assets/demo-catalog.csv >/dev/null
# An enrolled kiosk starts only with a staff PIN of its own.
echo 2468 | SMARTSTORE_DATA_DIR=$mirror "$BIN" pin 2>/dev/null >>"$mirror/config.toml"
SMARTSTORE_DATA_DIR=$mirror "$BIN" recommend --member "$member"
for size in 1366x768 1920x1080; do
    for lang in en zh-CN; do
        export SMARTSTORE_WINDOW_SIZE=$size
        CAMERA=none XVFB_SCREEN=$size shot "counter-mirror-$lang-$size" "$mirror" --mode counter --lang "$lang" --scan "$member" --scan 6921000000019
        CAMERA=none XVFB_SCREEN=$size shot "kiosk-mirror-$lang-$size" "$mirror" --mode kiosk --lang "$lang" --screen kiosk-shopping --scan "$member" --scan 6921000000019
        unset SMARTSTORE_WINDOW_SIZE
    done
done
# The smallest kiosk screen: the panel still fits (the camera's picture gives way).
for lang in en zh-CN; do
    export SMARTSTORE_WINDOW_SIZE=1024x600
    CAMERA=none XVFB_SCREEN=1024x600 shot "kiosk-mirror-$lang-1024x600" "$mirror" --mode kiosk --lang "$lang" --screen kiosk-shopping --scan "$member" --scan 6921000000019
    unset SMARTSTORE_WINDOW_SIZE
done
fi
