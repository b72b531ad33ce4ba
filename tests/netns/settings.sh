#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The generic netlink family answers per network namespace, keeps each
# namespace's settings apart, refuses bad values with a message, refuses
# unprivileged writers, autoloads by family name and unloads cleanly.
#
#   +-----------+   +-----------+   +-----------------------+
#   | netns a   |   | netns b   |   | userns+netns (unshare)|
#   | kn-ctl    |   | kn-ctl    |   | kn-ctl as its "root"  |
#   +-----------+   +-----------+   +-----------------------+
#          \              |               /
#           +------ kn.ko (one module, per-netns state) ---+
source "$(dirname "$0")/lib.sh"

kn_load
netns_add kn-a
netns_add kn-b

# status answers in both, with different namespace identities
n kn-a kn-ctl status
cookie_a=$(ip netns exec kn-a kn-ctl -j status | python3 -c 'import json,sys; print(json.load(sys.stdin)["netns_cookie"])')
cookie_b=$(ip netns exec kn-b kn-ctl -j status | python3 -c 'import json,sys; print(json.load(sys.stdin)["netns_cookie"])')
[ "$cookie_a" != "$cookie_b" ] || fail "both namespaces report cookie $cookie_a"
expect_match "kn-ctl version" "$(n kn-a kn-ctl version)" "module.*0\.[0-9]+\.[0-9]+"

# defaults
show_b_before=$(n kn-b kn-ctl config show)
expect_match "defaults" "$show_b_before" "cluster-cidr 10\.244\.0\.0/16"
expect_match "defaults" "$show_b_before" "nodeport-range 30000-32767"
expect_match "defaults" "$show_b_before" "conntrack-max 262144"

# a write in a is seen in a and nowhere else
n kn-a kn-ctl config set cluster-cidr 10.100.0.0/16 nodeport-range 31000-31999 conntrack-max 1000
show_a=$(n kn-a kn-ctl config show)
expect_match "a after set" "$show_a" "cluster-cidr 10\.100\.0\.0/16"
expect_match "a after set" "$show_a" "nodeport-range 31000-31999"
expect_match "a after set" "$show_a" "conntrack-max 1000"
expect_eq "b untouched" "$(n kn-b kn-ctl config show)" "$show_b_before"
# partial update keeps the rest
n kn-a kn-ctl config set conntrack-max 2000
show_a=$(n kn-a kn-ctl config show)
expect_match "partial set" "$show_a" "conntrack-max 2000"
expect_match "partial set keeps cidr" "$show_a" "cluster-cidr 10\.100\.0\.0/16"
json=$(ip netns exec kn-a kn-ctl config show -j)
expect_eq "json cidr" "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["cluster_cidr"])' "$json")" "10.100.0.0/16"

# bad values, straight to the kernel (bypassing kn-ctl's own checks): an
# errno, a message, and nothing changed
settings=3 # KN_A_SETTINGS
expect_exit 1 ip netns exec kn-a python3 "$GENL" 3 --nest $settings 1:be32:0x0a640100 2:u8:16
expect_match "host bits" "$OUT" "EINVAL: cluster CIDR has host bits set"
expect_exit 1 ip netns exec kn-a python3 "$GENL" 3 --nest $settings 1:be32:0x0a000000 2:u8:33
expect_match "prefix 33" "$OUT" "ERANGE: integer out of range"
expect_exit 1 ip netns exec kn-a python3 "$GENL" 3 --nest $settings 1:be32:0x0a000000
expect_match "lone address" "$OUT" "EINVAL: cluster CIDR needs both address and prefix length"
expect_exit 1 ip netns exec kn-a python3 "$GENL" 3 --nest $settings 3:u16:31000 4:u16:30000
expect_match "reversed range" "$OUT" "EINVAL: NodePort range must satisfy 1 <= min <= max"
expect_exit 1 ip netns exec kn-a python3 "$GENL" 3 --nest $settings 5:u32:1
expect_match "tiny limit" "$OUT" "ERANGE: connection table limit out of range"
expect_exit 1 ip netns exec kn-a python3 "$GENL" 3 --nest $settings 99:u32:1
expect_match "unknown attribute" "$OUT" "EINVAL"
expect_exit 1 ip netns exec kn-a python3 "$GENL" 3
expect_match "missing nest" "$OUT" "EINVAL: request has no settings nest"
# a good part and a bad part: the good part is not applied
expect_exit 1 ip netns exec kn-a python3 "$GENL" 3 --nest $settings 5:u32:5000 3:u16:2 4:u16:1
expect_match "mixed request keeps old limit" "$(n kn-a kn-ctl config show)" "conntrack-max 2000"
# the message reaches the user through kn-ctl too
expect_exit 1 ip netns exec kn-a kn-ctl config set conntrack-max 1
expect_match "kn-ctl prints extack" "$OUT" "connection table limit out of range"

# unprivileged: reads work, writes get EPERM
expect_exit 0 ip netns exec kn-a setpriv --reuid=65534 --regid=65534 --clear-groups "$KN_CTL" config show
expect_exit 1 ip netns exec kn-a setpriv --reuid=65534 --regid=65534 --clear-groups "$KN_CTL" config set conntrack-max 5000
expect_match "unprivileged set" "$OUT" "Operation not permitted"
expect_match "still unchanged" "$(n kn-a kn-ctl config show)" "conntrack-max 2000"
# ...but the owner of a user namespace administers its own netns
expect_exit 0 setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare --user --map-root-user --net sh -c "$KN_CTL config set conntrack-max 4242 && $KN_CTL config show"
expect_match "userns admin" "$OUT" "conntrack-max 4242"
# and cannot touch the initial namespace's settings from there
expect_exit 1 setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare --user --map-root-user sh -c "$KN_CTL config set conntrack-max 4243"
expect_match "userns cannot write init netns" "$OUT" "Operation not permitted"

# unload with namespaces still alive, then autoload by family name.  The
# guest gives the running kernel a writable /lib/modules/$(uname -r); the
# test runner may have installed kn there: hide it, and put it back after.
kn_unload
modules=/lib/modules/$(uname -r)
mkdir -p "$modules/extra" || fail "$modules is not writable"
[ ! -e "$modules/extra/kn.ko" ] || mv "$modules/extra/kn.ko" "$modules/extra/kn.ko.hidden"
pp depmod -a
expect_exit 1 "$KN_CTL" status
expect_match "absent module" "$OUT" "not loaded"
cp "$KN_KO" "$modules/extra/kn.ko"
pp depmod -a
expect_exit 0 "$KN_CTL" status
grep -q '^kn ' /proc/modules || fail "kn-ctl status did not autoload kn"
rm -f "$modules/extra/kn.ko"
[ ! -e "$modules/extra/kn.ko.hidden" ] || mv "$modules/extra/kn.ko.hidden" "$modules/extra/kn.ko"
pp depmod -a
kn_unload
grep -q '^kn ' /proc/modules && fail "kn still loaded"
echo "settings: all checks passed"
