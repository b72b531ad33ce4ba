#!/bin/bash
# Static checks: the kernel's checkpatch.pl --strict over kernel-side C, and
# sparse (C=2) over the module built for the stock kernel.  Prints one
# PASS/FAIL line per check; exits non-zero if any fails.
set -uo pipefail
cd "$(dirname "$0")/.."

checkpatch=$(tests/qemu/build-kernel.sh --unpack-only)/scripts/checkpatch.pl || exit 1

failed=0
result() { # NAME RC LOGFILE
	if [ "$2" = 0 ]; then
		echo "PASS lint/$1"
	else
		echo "FAIL lint/$1"
		sed 's/^/    /' "$3"
		failed=1
	fi
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

mapfile -t files < <(git ls-files -- 'kmod/*.[ch]' 'uapi/*.h' 'tests/kunit/*.[ch]' 2>/dev/null || \
	find kmod uapi tests/kunit -name '*.[ch]')
"$checkpatch" --no-tree --strict --quiet --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE \
	-f "${files[@]}" >"$log" 2>&1
result checkpatch $? "$log"

# sparse prints its findings as warnings; a clean build prints none.
make -s module C=2 >"$log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -E "(warning|error):" "$log" >/dev/null; then rc=1; fi
result sparse $rc "$log"

grep -q "PACKAGE_VERSION=\"$(sed -n 's/^#define KN_VERSION "\(.*\)"/\1/p' kmod/version.h)\"" dkms.conf
rc=$?
echo "dkms.conf PACKAGE_VERSION must equal KN_VERSION in kmod/version.h" >"$log"
result version $rc "$log"

exit $failed
