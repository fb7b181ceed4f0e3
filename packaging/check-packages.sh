#!/usr/bin/env bash
# Release step (not CI: it needs a release build): build the terminal and hub Debian packages
# with cargo-deb and check what is in them: files and modes, control fields and dependencies,
# conffiles, maintainer scripts, systemd unit directives, the udev rule; then
# `systemd-analyze verify` and `systemd-analyze security --offline` on the units where
# systemd-analyze exists. Exit status 0 only when every check passed.
#
#   packaging/check-packages.sh            # build, then check
#   packaging/check-packages.sh --no-build # check the packages already in target/debian
#
# Needs: cargo-deb (cargo install cargo-deb), dpkg-deb and dpkg-shlibdeps (dpkg-dev);
# optional: systemd (systemd-analyze), cage (so verify finds ExecStart's binary).
# Output is kept in docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
[ "${1:-}" = "--no-build" ] && build=0

failures=0
pass() { printf '  ok    %s\n' "$1"; }
fail() {
    printf '  FAIL  %s\n' "$1"
    failures=$((failures + 1))
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}

for tool in cargo-deb dpkg-deb; do
    command -v "$tool" >/dev/null || {
        echo "missing $tool (cargo install cargo-deb; apt-get install dpkg-dev)" >&2
        exit 2
    }
done

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=$(dpkg --print-architecture)
term_deb=target/debian/smartstore_${version}-1_${arch}.deb
hub_deb=target/debian/smartstore-hub_${version}-1_${arch}.deb

if [ "$build" = 1 ]; then
    echo "== building (cargo deb, release profile)"
    cargo deb --output "$term_deb"
    cargo deb -p smartstore-hub --output "$hub_deb"
fi
for deb in "$term_deb" "$hub_deb"; do
    [ -f "$deb" ] || {
        echo "no $deb: run without --no-build" >&2
        exit 2
    }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# field NAME DEB: one control field
field() { dpkg-deb -f "$2" "$1"; }
# has_file DEB MODE PATH: an entry of `dpkg-deb -c` with that mode, owned by root (0/0)
has_file() {
    dpkg-deb -c "$1" | awk -v m="$2" -v p="./$3" '$1 == m && ($2 == "root/root" || $2 == "0/0") && $6 == p { found = 1 } END { exit !found }'
}
# directive FILE LINE: the unit file holds this exact line
directive() { grep -qxF -- "$2" "$1"; }

inspect() { # inspect DEB NAME: unpack data and control parts
    local deb=$1 name=$2
    mkdir -p "$work/$name/root" "$work/$name/control"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/$name/root"
    dpkg-deb -e "$deb" "$work/$name/control"
    echo
    echo "== $deb ($(du -h "$deb" | cut -f1))"
    dpkg-deb -I "$deb" | sed -n 's/^ \(Package\|Version\|Architecture\|Installed-Size\|Depends\|Recommends\):/  \1:/p'
    echo "-- files"
    dpkg-deb -c "$deb" | awk '$6 !~ /\/$/ { printf "  %s %s %s\n", $1, $2, $6 }'
}

# --- the terminal -----------------------------------------------------------------------
inspect "$term_deb" term
T=$work/term
echo "-- checks"
check "package name is smartstore" test "$(field Package "$term_deb")" = smartstore
depends=$(field Depends "$term_deb")
for dep in libc6 adduser systemd udev cage libwayland-client0 libxkbcommon0 libvulkan1 \
    mesa-vulkan-drivers libegl1 libgl1-mesa-dri libx11-6; do
    check "Depends: $dep" grep -qE "(^|[ ,|])$dep([ ,(]|$)" <<<"$depends"
done
# The window embeds its CJK font: the system one is only recommended.
check "Recommends (not Depends): fonts-noto-cjk" \
    grep -qE "(^|[ ,|])fonts-noto-cjk([ ,(]|$)" <<<"$(field Recommends "$term_deb")"
check "no Depends on fonts-noto-cjk" bash -c '! grep -q fonts-noto-cjk <<<"$1"' _ "$depends"
check "binary /usr/bin/smartstore 0755 root" has_file "$term_deb" -rwxr-xr-x usr/bin/smartstore
check "helper /usr/sbin/smartstore-admin 0755" has_file "$term_deb" -rwxr-xr-x usr/sbin/smartstore-admin
# config.toml holds the kiosk's staff PIN hash: readable by root and the terminal's group only.
check "file /etc/smartstore/config.toml 0640 root" has_file "$term_deb" -rw-r----- etc/smartstore/config.toml
for f in etc/smartstore/environment etc/pam.d/smartstore-kiosk \
    usr/lib/udev/rules.d/70-smartstore-cameras.rules usr/lib/systemd/system/smartstore.service \
    usr/share/smartstore/demo-catalog.csv usr/share/smartstore/test-card.png \
    usr/share/smartstore/test-card.txt usr/share/doc/smartstore/install-terminal.md \
    usr/share/doc/smartstore/troubleshooting.md usr/share/doc/smartstore/clerk-guide.md; do
    check "file /$f 0644 root" has_file "$term_deb" -rw-r--r-- "$f"
done
check "no data directory shipped (made by postinst and systemd)" \
    bash -c "! dpkg-deb -c '$term_deb' | grep -q 'var/lib'"
for f in /etc/smartstore/config.toml /etc/smartstore/environment /etc/pam.d/smartstore-kiosk; do
    check "conffile $f" grep -qxF "$f" "$T/control/conffiles"
done
unit=$T/root/usr/lib/systemd/system/smartstore.service
for line in \
    "User=smartstore" "Group=smartstore" \
    "ExecStart=/usr/bin/cage \$SMARTSTORE_CAGE_ARGS -- /usr/bin/smartstore ui --mode \${SMARTSTORE_MODE}" \
    "Environment=SMARTSTORE_MODE=kiosk" "Environment=SMARTSTORE_DATA_DIR=/var/lib/smartstore" \
    "EnvironmentFile=-/etc/smartstore/environment" \
    "PAMName=smartstore-kiosk" "TTYPath=/dev/tty1" "Conflicts=getty@tty1.service" \
    "Restart=always" "StateDirectory=smartstore" "UMask=0077" \
    "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
    "ReadWritePaths=/var/lib/smartstore" "ProtectKernelTunables=yes" "ProtectKernelModules=yes" \
    "ProtectControlGroups=yes" "RestrictSUIDSGID=yes" "LockPersonality=yes" \
    "CapabilityBoundingSet=" "SystemCallArchitectures=native" "WantedBy=multi-user.target"; do
    check "unit: $line" directive "$unit" "$line"
done
check "unit: no PrivateDevices (the GPU and cameras are devices)" bash -c "! grep -q '^PrivateDevices' '$unit'"
check "udev: video4linux to group video, uaccess" \
    grep -q 'SUBSYSTEM=="video4linux".*GROUP="video".*TAG+="uaccess"' \
    "$T/root/usr/lib/udev/rules.d/70-smartstore-cameras.rules"
check "pam: a logind session (pam_systemd), auth denied" \
    bash -c "grep -q pam_systemd.so '$T/root/etc/pam.d/smartstore-kiosk' && grep -q '^auth.*pam_deny.so' '$T/root/etc/pam.d/smartstore-kiosk'"
check "environment file: kiosk mode by default" grep -qx 'SMARTSTORE_MODE=kiosk' "$T/root/etc/smartstore/environment"
check "config.toml: only comments (defaults)" bash -c "! grep -qv '^\\(#.*\\)\\?$' '$T/root/etc/smartstore/config.toml'"
for s in postinst prerm postrm; do
    check "$s: present, executable, valid sh" bash -c "test -x '$T/control/$s' && sh -n '$T/control/$s'"
    check "$s: #DEBHELPER# replaced" bash -c "! grep -q '#DEBHELPER#' '$T/control/$s'"
done
check "postinst: creates the system user" grep -q 'adduser --system --group --home "\$DATA"' "$T/control/postinst"
check "postinst: adds it to video, render, input" grep -q 'for group in video render input' "$T/control/postinst"
check "postinst: data directory owned by smartstore" grep -q 'chown smartstore:smartstore "\$DATA"' "$T/control/postinst"
check "postinst: enables smartstore.service" grep -q 'deb-systemd-helper enable smartstore.service' "$T/control/postinst"
check "postinst: not started at install (enrol first), restarted on upgrade if running" \
    bash -c "grep -q 'try-restart smartstore.service' '$T/control/postinst' && ! grep -q 'deb-systemd-invoke start' '$T/control/postinst'"
check "prerm: stops the kiosk on removal" grep -q 'deb-systemd-invoke stop smartstore.service' "$T/control/prerm"
check "postrm: purge keeps the orders" grep -q '/var/lib/smartstore (orders, device key) was kept' "$T/control/postrm"
check "postrm: purge disables the unit" grep -q 'deb-systemd-helper purge smartstore.service' "$T/control/postrm"
check "the packaged binary runs (--version)" "$T/root/usr/bin/smartstore" --version
check "the packaged binary's doctor runs on a fresh data dir" \
    bash -c "'$T/root/usr/bin/smartstore' --data-dir '$work/data' doctor --json | grep -q '\"check\":\"database\",\"status\":\"pass\"'"
check "smartstore-admin is valid sh" sh -n "$T/root/usr/sbin/smartstore-admin"

# --- the hub ----------------------------------------------------------------------------
inspect "$hub_deb" hub
H=$work/hub
echo "-- checks"
check "package name is smartstore-hub" test "$(field Package "$hub_deb")" = smartstore-hub
hub_depends=$(field Depends "$hub_deb")
for dep in libc6 adduser systemd; do
    check "Depends: $dep" grep -qE "(^|[ ,|])$dep([ ,(]|$)" <<<"$hub_depends"
done
check "no window libraries in the hub's Depends" bash -c "! grep -qE 'cage|wayland|vulkan|fonts' <<<'$hub_depends'"
check "binary /usr/bin/smartstore-hub 0755 root" has_file "$hub_deb" -rwxr-xr-x usr/bin/smartstore-hub
check "no terminal binary in the hub package" bash -c "! dpkg-deb -c '$hub_deb' | grep -q 'usr/bin/smartstore\$'"
check "helper /usr/sbin/smartstore-hub-admin 0755" has_file "$hub_deb" -rwxr-xr-x usr/sbin/smartstore-hub-admin
check "file /usr/lib/systemd/system/smartstore-hub.service" has_file "$hub_deb" -rw-r--r-- usr/lib/systemd/system/smartstore-hub.service
check "conffile /etc/smartstore-hub/environment" grep -qxF /etc/smartstore-hub/environment "$H/control/conffiles"
hunit=$H/root/usr/lib/systemd/system/smartstore-hub.service
for line in \
    "User=smartstore-hub" \
    "ExecStart=/usr/bin/smartstore-hub --db /var/lib/smartstore-hub/hub.db serve --listen \${SMARTSTORE_HUB_LISTEN}" \
    "StateDirectory=smartstore-hub" "ReadWritePaths=/var/lib/smartstore-hub" \
    "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
    "PrivateDevices=yes" "MemoryDenyWriteExecute=yes" "SystemCallFilter=@system-service" \
    "CapabilityBoundingSet=" "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" \
    "Restart=on-failure" "WantedBy=multi-user.target"; do
    check "unit: $line" directive "$hunit" "$line"
done
for s in postinst prerm postrm; do
    check "$s: present, executable, valid sh" bash -c "test -x '$H/control/$s' && sh -n '$H/control/$s'"
    check "$s: #DEBHELPER# replaced" bash -c "! grep -q '#DEBHELPER#' '$H/control/$s'"
done
check "postinst: creates the system user" grep -q 'adduser --system --group --home "\$DATA"' "$H/control/postinst"
check "postinst: enables and starts smartstore-hub.service" \
    bash -c "grep -q 'deb-systemd-helper enable smartstore-hub.service' '$H/control/postinst' && grep -q 'smartstore-hub.service' '$H/control/postinst'"
check "the packaged hub runs (--version)" "$H/root/usr/bin/smartstore-hub" --version
check "the packaged hub makes tokens" \
    bash -c "'$H/root/usr/bin/smartstore-hub' --db '$work/hub.db' enrolment-token --store SH001 | grep -q '^et1-'"
check "the packaged hub makes a rollout CSV from a store list on stdin" \
    bash -c "printf 'store,count\\nSH001,2\\nBJ002,1\\n' | '$H/root/usr/bin/smartstore-hub' --db '$work/hub.db' enrolment-token --stores - | grep -c '^[A-Z0-9]*,et1-' | grep -qx 3"

# --- systemd-analyze --------------------------------------------------------------------
echo
echo "== systemd-analyze"
if ! command -v systemd-analyze >/dev/null; then
    echo "  skipped: no systemd-analyze here (apt-get install systemd)"
else
    echo "  $(systemd-analyze --version | head -1)"
    # verify --root resolves the unit's dependencies and ExecStart's binaries inside the root:
    # the unpacked package, this machine's systemd units, and cage when it is installed.
    for pair in "term:smartstore.service" "hub:smartstore-hub.service"; do
        name=${pair%%:*}
        u=${pair#*:}
        root=$work/$name/root
        for d in /lib/systemd/system /usr/lib/systemd/system; do
            if [ -d "$d" ] && [ ! -L "$d" ]; then
                mkdir -p "$root$d"
                cp -an "$d/." "$root$d/"
            fi
        done
        if [ "$name" = term ]; then
            if [ -x /usr/bin/cage ]; then
                cp /usr/bin/cage "$root/usr/bin/cage"
            else
                echo "  note: cage is not installed here (apt-get install cage); verify will say so"
            fi
        fi
        echo "-- systemd-analyze verify --root=<unpacked $name package> $u"
        # verify exits 0 on unknown keys and bad values (it only logs them): any line is a failure.
        if out=$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --root="$root" "$root/usr/lib/systemd/system/$u" 2>&1) && [ -z "$out" ]; then
            pass "systemd-analyze verify $u: no warnings"
        else
            sed 's/^/     /' <<<"$out"
            fail "systemd-analyze verify $u"
        fi
        echo "-- systemd-analyze security --offline=true $u (exposure: lower is safer)"
        if score=$(systemd-analyze security --offline=true --root="$root" "$root/usr/lib/systemd/system/$u" 2>&1 | tail -1); then
            echo "     $score"
        else
            echo "     (not available: $score)"
        fi
    done
fi

echo
if [ "$failures" -eq 0 ]; then
    echo "all package checks passed"
else
    echo "$failures package checks FAILED"
    exit 1
fi
