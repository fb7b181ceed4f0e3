#!/usr/bin/env bash
# CI check: the README's two commands ("The two commands" block: `cargo run --release`, then the
# test command) on a fresh Debian 12 that has only the Rust toolchain and a C compiler.
#
# A Debian 12 root is made with debootstrap (minbase + gcc, libc6-dev, ca-certificates: no
# libclang, no pkg-config, no -dev library beyond libc's, no X) and reused between runs; the
# source, the Rust target directory, HOME and the cargo registry are new on every run. The host's
# toolchain (`rustc --print sysroot`) is bind-mounted read-only, its downloaded crates are copied
# in (cargo fetches whatever is missing from crates.io), ../shared is bind-mounted read-only
# beside the source. Everything runs in a private mount and PID namespace (unshare), so no mount
# or process outlives the script, whatever way it ends. Exit status 0 only when both passed:
#   run   the build succeeds and the program starts and stops with its "no display" message
#         (there is no display in the chroot); not a link error, libclang error or panic
#   test  the test command exits 0, with no DISPLAY
#
#   packaging/fresh-machine.sh                # as root; needs debootstrap, unshare, git
#   nice -n 19 packaging/fresh-machine.sh     # on a machine that is busy building
#
# Environment (all optional):
#   FRESH_DIR        work directory (default target/fresh-machine): rootfs/, steps/, log
#   FRESH_MIRROR     Debian mirror (default http://deb.debian.org/debian)
#   FRESH_REBUILD=1  make the Debian root again even if the complete one is there
#   FRESH_SOURCE     `worktree` (default: tracked and untracked files that are not ignored, as
#                    they are now, uncommitted changes included) or a git revision (`HEAD`)
#   FRESH_SHARED     the shared directory (default ../shared beside the checkout)
#   FRESH_REGISTRY   `copy` (default: the host's downloaded crates) or `none` (all from crates.io)
#   FRESH_STEPS      which steps, default "run test"
#   FRESH_RUN_CMD, FRESH_TEST_CMD   replace the README's commands (testing the check)
#   FRESH_RUN_ARGS, FRESH_TEST_ARGS append cargo arguments (e.g. FRESH_RUN_ARGS=--no-default-features)
#   FRESH_EXPECT     what the run must print (default: the window's no-display error)
#   FRESH_STEP_TIMEOUT  seconds per cargo step (default 2400)
# Documented in docs/packaging.md.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${FRESH_DIR:-$repo/target/fresh-machine}
log=$dir/fresh-machine.log

# --- outside: enter a private mount + PID namespace, log everything --------------------------
if [ "${FRESH_INSIDE:-}" != 1 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "fresh-machine: needs root (debootstrap, chroot, mounts)" >&2
        exit 2
    fi
    missing=()
    for tool in debootstrap unshare chroot git findmnt timeout; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "fresh-machine: missing ${missing[*]} (apt-get install debootstrap)" >&2
        exit 2
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)
    log=$dir/fresh-machine.log
    : >"$log"
    # The namespace's mounts and processes end with its first process, and --kill-child ends
    # that one when unshare dies: killing unshare leaves no mount and no process behind. The log
    # is written out here, so its end is never lost.
    FRESH_INSIDE=1 FRESH_DIR=$dir unshare --mount --pid --fork --mount-proc --propagation private \
        --kill-child bash "$0" "$@" > >(tee -a "$log") 2>&1 &
    ns=$!
    # shellcheck disable=SC2317 # called from the traps below
    stop() {
        kill -KILL "$ns" 2>/dev/null
        wait "$ns" 2>/dev/null || true
        echo "fresh-machine: $1; its namespace took its mounts and processes with it" | tee -a "$log"
        exit "$2"
    }
    trap 'stop interrupted 130' INT
    trap 'stop terminated 143' TERM
    status=0
    wait "$ns" || status=$?
    wait # for tee
    echo "log: $log" | tee -a "$log"
    exit "$status"
fi

# --- inside the namespace -------------------------------------------------------------------
root=$dir/rootfs
steps=$dir/steps
suite=bookworm
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
# "A C compiler", nothing else; ca-certificates so cargo can reach crates.io over TLS.
include=gcc,libc6-dev,ca-certificates
marker=$root/.fresh-machine-complete
signature="suite=$suite variant=minbase include=$include"
toolchain_mnt=/opt/rust-toolchain
chroot_path=$toolchain_mnt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
step_timeout=${FRESH_STEP_TIMEOUT:-2400}
expect=${FRESH_EXPECT:-no display to open the window on}
wanted_steps=" ${FRESH_STEPS:-run test} "

# results: name|PASS/FAIL/SKIP|seconds|note
results=()
failed=0
record() { # record NAME STATUS SECONDS NOTE [CPU-SECONDS]
    local note=$4
    [ -n "${5:-}" ] && note="CPU $(fmt_time "$5"); $note"
    results+=("$1|$2|$3|$note")
    [ "$2" = FAIL ] && failed=1
    return 0
}
fmt_time() { printf '%dm %02ds' $(($1 / 60)) $(($1 % 60)); }
children_cpu() { # cpu=CPU seconds (user + system) used so far by this shell's finished children
    times >"$steps/.times" # not $(times) or $(children_cpu): a subshell has its own children
    cpu=$(awk 'NR == 2 {
        t = $0
        n = split(t, f, " "); s = 0
        for (i = 1; i <= n; i++) { split(f[i], ms, "m"); sub(/s$/, "", ms[2]); s += ms[1] * 60 + ms[2] }
        printf "%d", s }' "$steps/.times")
}
now() { date +%s; }
started=$(now)

mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount -R "${mounted[i]}" 2>/dev/null || umount -R -l "${mounted[i]}" 2>/dev/null || true
    done
    mounted=()
}
# As PID 1 of the namespace this shell ignores signals it has no handler for.
trap cleanup EXIT
trap 'echo "fresh-machine: interrupted"; exit 130' INT
trap 'echo "fresh-machine: terminated"; exit 143' TERM

bind() { # bind SOURCE TARGET [ro]
    mkdir -p "$2"
    mount --rbind "$1" "$2"
    mounted+=("$2")
    if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$2"; fi
}

summary() {
    local r name status secs note width=10
    for r in "${results[@]}"; do
        name=${r%%|*}
        [ "${#name}" -gt "$width" ] && width=${#name}
    done
    echo
    echo "== fresh-machine summary: Debian 12 ($suite minbase + ${include//,/, }), $toolchain_desc"
    echo "   source: $source_desc"
    for r in "${results[@]}"; do
        IFS='|' read -r name status secs note <<<"$r"
        printf '  %-5s %-*s %8s  %s\n' "$status" "$width" "$name" "$(fmt_time "$secs")" "$note"
    done
    if [ "$failed" = 0 ]; then
        echo "fresh-machine: PASS (total $(fmt_time $(($(now) - started))))"
    else
        echo "fresh-machine: FAIL (total $(fmt_time $(($(now) - started))))"
    fi
}
toolchain_desc="toolchain: ?"
source_desc="?"
die() { # die STEP NOTE: a failure that stops the check
    record "$1" FAIL "${step_secs:-0}" "$2"
    summary
    exit 1
}

mkdir -p "$steps"
rm -f "$steps"/*
git() { command git -c safe.directory="$repo" -C "$repo" "$@"; }

# Never delete through a mount (a /dev or /sys bind would take the host's files with it): this
# namespace started with a copy of the host's mounts, so an old one would show here.
if findmnt -rn -o TARGET | awk -v r="$root/" 'index($0 "/", r) == 1 { found = 1 } END { exit !found }'; then
    die setup "something is mounted under $root (see findmnt); unmount it first"
fi

# --- 1. the Debian 12 root ------------------------------------------------------------------
t=$(now)
step_secs=0
if [ -n "${FRESH_REBUILD:-}" ] || [ ! -f "$marker" ] || [ "$(cat "$marker")" != "$signature" ]; then
    rm -rf "$root"
    echo "== debootstrap --variant=minbase --include=$include $suite $mirror"
    if ! debootstrap --variant=minbase --include="$include" "$suite" "$root" "$mirror" \
        >"$steps/debootstrap.out" 2>&1; then
        tail -n 30 "$steps/debootstrap.out"
        step_secs=$(($(now) - t))
        die debootstrap "debootstrap failed (log: $steps/debootstrap.out)"
    fi
    chroot "$root" apt-get clean
    echo "$signature" >"$marker"
    echo "-- debootstrap: $(fmt_time $(($(now) - t)))"
    record debootstrap PASS $(($(now) - t)) "new root in $root"
else
    echo "== reusing the Debian 12 root in $root (FRESH_REBUILD=1 makes it again)"
    record debootstrap PASS $(($(now) - t)) "reused $root"
fi

# The root holds only "a C compiler": refuse anything that would hide a missing build dependency.
t=$(now)
# shellcheck disable=SC2016 # dpkg-query's own ${field} syntax
pkgs=$(chroot "$root" dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" { print $2 }')
# What libc6-dev and gcc bring with them on bookworm.
allowed_dev=" libc6-dev linux-libc-dev libcrypt-dev libnsl-dev libtirpc-dev libgcc-12-dev "
bad=()
for p in $pkgs; do
    case $p in
    *clang* | llvm* | libllvm* | pkg-config | pkgconf* | libpkgconf* | libx11* | libxcb* | \
        libxkbcommon* | libwayland* | libvulkan* | libegl* | libgl1* | libglx* | libv4l* | libudev-dev | \
        libdbus* | libasound* | libfontconfig* | libfreetype* | g++*)
        bad+=("$p") ;;
    *-dev) [[ $allowed_dev == *" $p "* ]] || bad+=("$p") ;;
    esac
done
for p in gcc libc6-dev; do
    grep -qx "$p" <<<"$pkgs" || bad+=("missing:$p")
done
step_secs=$(($(now) - t))
if [ "${#bad[@]}" -gt 0 ]; then
    die "root packages" "not just a C compiler: ${bad[*]} (FRESH_REBUILD=1)"
fi
echo "== the root's -dev packages: $(grep -- '-dev$' <<<"$pkgs" | tr '\n' ' ')"
chroot "$root" cc --version | head -1
record "root packages" PASS "$step_secs" "$(wc -l <<<"$pkgs") packages; no libclang, pkg-config, X or other -dev"

# --- 2. a fresh machine state: source, toolchain, registry, HOME ----------------------------
t=$(now)
step_secs=0
echo "== preparing the run"
rm -rf "$root/build" "$root/root" "$root/tmp"
mkdir -p "$root/build/main" "$root/build/shared" "$root/root/.cargo/registry" "$root/tmp"
chmod 700 "$root/root"
chmod 1777 "$root/tmp"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
grep -qw localhost "$root/etc/hosts" 2>/dev/null || printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >>"$root/etc/hosts"
# This network's own certificate authorities (a TLS-inspecting egress proxy, say) are part of
# the machine, not of the build: a fresh machine here would trust them too.
rm -rf "$root/usr/local/share/ca-certificates"
mkdir -p "$root/usr/local/share/ca-certificates"
local_cas=$(find /usr/local/share/ca-certificates -name '*.crt' 2>/dev/null | wc -l)
if [ "$local_cas" -gt 0 ]; then
    cp -rL /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
chroot "$root" update-ca-certificates --fresh >/dev/null 2>&1 ||
    die setup "update-ca-certificates failed in the chroot"

source_mode=${FRESH_SOURCE:-worktree}
head=$(git rev-parse --short HEAD)
if [ "$source_mode" = worktree ]; then
    changes=$(git status --porcelain | wc -l)
    source_desc="$repo at $head"
    [ "$changes" -gt 0 ] && source_desc+=" + $changes uncommitted change(s) (FRESH_SOURCE=HEAD for the commit alone)"
    # Tracked and untracked files as they are now, without ignored ones (target/) or deleted ones.
    git ls-files -z --cached --others --exclude-standard |
        (cd "$repo" && while IFS= read -r -d '' f; do
            if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
        done) |
        tar -C "$repo" --null -T - -cf - | tar -C "$root/build/main" -xf -
else
    rev=$(git rev-parse --verify "$source_mode^{commit}") ||
        die setup "FRESH_SOURCE=$source_mode is not a commit"
    source_desc="$repo at $(git rev-parse --short "$rev") (git archive)"
    git archive --format=tar "$rev" | tar -C "$root/build/main" -xf -
fi
[ ! -e "$root/build/main/target" ] || die setup "the copied source has a target directory"
echo "   source: $source_desc"

shared=${FRESH_SHARED:-$repo/../shared}
[ -d "$shared" ] || die setup "no shared directory at $shared (FRESH_SHARED=DIR)"
shared=$(cd "$shared" && pwd -P)
# tests/scan_photos.rs skips, and passes, when the photos are not there: make sure they are.
[ -d "$shared/testdata/barcodes" ] || die setup "no testdata/barcodes in $shared: the photo test would skip"

# The host's toolchain, as rustup resolves it for this checkout (rust-toolchain.toml included).
sysroot=${FRESH_TOOLCHAIN:-$(cd "$repo" && rustc --print sysroot)}
{ [ -x "$sysroot/bin/cargo" ] && [ -x "$sysroot/bin/rustc" ]; } ||
    die setup "no cargo and rustc in $sysroot (FRESH_TOOLCHAIN=SYSROOT)"

host_cargo_home=${CARGO_HOME:-$HOME/.cargo}
registry=${FRESH_REGISTRY:-copy}
if [ "$registry" = copy ] && [ -d "$host_cargo_home/registry" ]; then
    # Index and .crate files only: cargo unpacks them itself. A copy, not a bind: this cargo
    # must not write into the host's cache behind the host cargo's lock.
    for d in index cache; do
        if [ -d "$host_cargo_home/registry/$d" ]; then
            cp -a "$host_cargo_home/registry/$d" "$root/root/.cargo/registry/"
        fi
    done
    registry_desc="host's downloaded crates copied ($(du -sh "$root/root/.cargo/registry" | cut -f1))"
else
    registry_desc="empty registry: every crate from crates.io"
fi

# Mounts, private to this namespace and undone by cleanup().
mount -t proc proc "$root/proc"
mounted+=("$root/proc")
bind /dev "$root/dev"
bind /sys "$root/sys" ro
bind "$sysroot" "$root$toolchain_mnt" ro
bind "$shared" "$root/build/shared" ro

# A login on the fresh machine: a clean environment (no DISPLAY), HOME=/root, cargo on PATH.
in_chroot=(chroot "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root TERM=dumb
    PATH="$chroot_path" ${CARGO_BUILD_JOBS:+CARGO_BUILD_JOBS=$CARGO_BUILD_JOBS} /bin/bash -c)
in_chroot() { "${in_chroot[@]}" "cd /build/main && $1"; }
if ! versions=$(in_chroot 'rustc --version && cargo --version' 2>&1); then
    echo "$versions"
    step_secs=$(($(now) - t))
    die setup "the host toolchain does not run in the chroot"
fi
toolchain_desc="host toolchain $(head -1 <<<"$versions" | cut -d' ' -f1-2) ($sysroot, read-only)"
echo "   toolchain: $toolchain_desc"
echo "   registry: $registry_desc"
echo "   shared: $shared -> /build/shared (read-only)"
echo "   network: the host's resolv.conf and its $local_cas local CA certificate(s)"
record setup PASS $(($(now) - t)) "source, toolchain, registry, ../shared"

# --- 3. the README's commands -----------------------------------------------------------------
# The first ```sh block after "## The two commands": the first `cargo run` and `cargo test` lines.
readme_block=$(awk '
    /^## The two commands/ { s = 1; next }
    s && /^## / { exit }
    s && /^```/ { if (b) exit; b = 1; next }
    s && b { print }' "$root/build/main/README.md")
readme_cmd() { # readme_cmd SUBCOMMAND: that cargo line of the block, comment stripped
    grep -E "^[^#]*(^|[[:space:]])cargo[[:space:]]+$1([[:space:]]|\$)" <<<"$readme_block" |
        head -1 | sed -E 's/[[:space:]]+#.*$//; s/[[:space:]]+$//'
}
with_args() { # with_args COMMAND ARGS: ARGS before a `--` in COMMAND, else at its end
    if [ -z "$2" ]; then
        echo "$1"
    elif [[ $1 == *" -- "* ]]; then
        echo "${1%% -- *} $2 -- ${1#* -- }"
    else
        echo "$1 $2"
    fi
}
run_cmd=${FRESH_RUN_CMD:-$(readme_cmd run)}
test_cmd=${FRESH_TEST_CMD:-$(readme_cmd test)}
{ [ -n "$run_cmd" ] && [ -n "$test_cmd" ]; } ||
    die README "no \`cargo run\` and \`cargo test\` lines in README.md's \"The two commands\" block"
run_cmd=$(with_args "$run_cmd" "${FRESH_RUN_ARGS:-}")
test_cmd=$(with_args "$test_cmd" "${FRESH_TEST_ARGS:-}")
echo "   README's commands: '$run_cmd' and '$test_cmd'"

cargo_step() { # cargo_step NAME COMMAND: run it, output to the log and $steps/NAME.out
    local name=$1 cmd=$2 t0 cpu0 rc
    echo
    echo "== $name: $cmd (no DISPLAY; nice $(nice))"
    t0=$(now)
    children_cpu
    cpu0=$cpu
    set +e
    timeout -k 30 "$step_timeout" "${in_chroot[@]}" "cd /build/main && $cmd" 2>&1 | tee "$steps/$name.out"
    rc=${PIPESTATUS[0]}
    set -e
    step_secs=$(($(now) - t0))
    # CPU time does not depend on what else the machine is doing; wall time does.
    children_cpu
    step_cpu=$((cpu - cpu0))
    echo "-- $name: exit status $rc after $(fmt_time "$step_secs") ($(fmt_time "$step_cpu") CPU)"
    return "$rc"
}
diagnose() { # diagnose FILE: why a build failed, in a few words
    local f=$1
    if grep -qE "No space left on device|signal 7 \[Bus error\]" "$f"; then echo "the disk is full (no space left, or the linker died of SIGBUS): free space and run again"
    elif grep -q "Unable to find libclang" "$f"; then echo "build needs libclang (bindgen): Unable to find libclang"
    elif grep -qE "pkg-config|could not find system library" "$f"; then echo "build needs pkg-config or a system -dev library"
    elif grep -qE "linking with \`cc\` failed|undefined reference|cannot find -l" "$f"; then echo "link error"
    elif grep -q "panicked at" "$f"; then echo "panic: $(grep -m1 -A1 'panicked at' "$f" | tr '\n' ' ')"
    elif grep -q "^error" "$f"; then grep -m1 '^error' "$f"
    else echo "see $f"
    fi
}
built_in() { # built_in FILE: cargo's own build time ("Finished ... in 9m 12s")
    sed -nE '/^ *Finished /{s/.* in ([0-9hms. ]+)$/\1/p;q}' "$1"
}

if [[ $wanted_steps == *" run "* ]]; then
    rc=0
    cargo_step run "$run_cmd" || rc=$?
    out=$steps/run.out
    finished=$(built_in "$out")
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        record "run: $run_cmd" FAIL "$step_secs" "timed out after ${step_timeout}s" "$step_cpu"
    elif [ -z "$finished" ]; then
        record "run: $run_cmd" FAIL "$step_secs" "build failed: $(diagnose "$out")" "$step_cpu"
    elif grep -q "panicked at" "$out"; then
        record "run: $run_cmd" FAIL "$step_secs" "built in $finished, then $(diagnose "$out")" "$step_cpu"
    elif ! grep -qF -- "$expect" "$out"; then
        record "run: $run_cmd" FAIL "$step_secs" "built in $finished, exit $rc, but no \"$expect\": $(diagnose "$out")" "$step_cpu"
    else
        db=$(find "$root/root/.local/share/smartstore" -maxdepth 1 -name '*.db' 2>/dev/null | head -1 || true)
        record "run: $run_cmd" PASS "$step_secs" "built in $finished; exit $rc with \"$expect\"${db:+; made ~${db#"$root/root"}}" "$step_cpu"
    fi
else
    record "run: $run_cmd" SKIP 0 "not in FRESH_STEPS"
fi

if [[ $wanted_steps == *" test "* ]]; then
    rc=0
    cargo_step test "$test_cmd" || rc=$?
    out=$steps/test.out
    totals=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed|^failed|^ignored/) { sub(/[;,]/, "", $(i+1)); n[$(i+1)] += $i } } }
        END { printf "%d passed, %d failed, %d ignored", n["passed"], n["failed"], n["ignored"] }' "$out")
    finished=$(built_in "$out")
    if [ "$rc" = 0 ]; then
        record "test: $test_cmd" PASS "$step_secs" "built in $finished; $totals" "$step_cpu"
    elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        record "test: $test_cmd" FAIL "$step_secs" "timed out after ${step_timeout}s; $totals" "$step_cpu"
    elif [ -z "$finished" ]; then
        record "test: $test_cmd" FAIL "$step_secs" "build failed: $(diagnose "$out")" "$step_cpu"
    else
        record "test: $test_cmd" FAIL "$step_secs" "exit $rc; $totals; $(grep -m4 -E '^test .* FAILED$|^error: ' "$out" | tr '\n' ' ')" "$step_cpu"
    fi
else
    record "test: $test_cmd" SKIP 0 "not in FRESH_STEPS"
fi

cleanup
summary
exit "$failed"
