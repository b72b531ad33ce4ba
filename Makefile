# SPDX-License-Identifier: GPL-2.0
#
# kn: build, test, package.  The module itself is built by Kbuild; this file
# drives it for each target kernel in its own directory under build/, so the
# stock and test kernels' objects never mix in the source tree.
#
#   make              module for the stock kernel + kn-ctl
#   make check        every test (host, KUnit and netns in QEMU, DKMS)
#   make demo         kn in a QEMU VM on Debian's stock kernel
#   make bench        benchmarks against the kernel's own bridge/vxlan/...
#   make lint         checkpatch --strict and sparse
#   make install      module into /lib/modules + depmod, kn-ctl into /usr/local
#   make dkms-install register, build and install the module with DKMS

VERSION := $(shell sed -n 's/^\#define KN_VERSION "\(.*\)"/\1/p' kmod/version.h)
# Debian's stock kernel: the DKMS target and the kernel `make demo` boots.
STOCK_KVER ?= $(shell ls /lib/modules 2>/dev/null | grep -- '-amd64$$' | sort -V | tail -n1)
KDIR ?= /lib/modules/$(STOCK_KVER)/build
BUILD := $(CURDIR)/build
MODULE_SOURCES := Kbuild kmod uapi tests/kunit
DESTDIR ?=
PREFIX ?= /usr/local

.PHONY: all module module-test tools deps check lint demo bench install dkms-install dkms-uninstall clean

all: module tools

# Installs the Debian packages the project needs; no-op when all are present.
deps:
	@tests/qemu/install-deps.sh

# $(1): kernel build tree, $(2): output directory
define build_module
	@mkdir -p $(2)
	@rsync -aR --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
		--exclude '*.mod*' --exclude 'modules.order' --exclude 'Module.symvers' \
		$(MODULE_SOURCES) $(2)/
	$(MAKE) -C $(1) M=$(2) W=1 modules
endef

module:
	$(call build_module,$(KDIR),$(BUILD)/stock)
	@cp $(BUILD)/stock/kn.ko $(CURDIR)/kn.ko

# The module and its KUnit suites against the cached debug/KUnit kernel.
module-test:
	$(eval TESTKERNEL := $(shell tests/qemu/build-kernel.sh))
	@test -n "$(TESTKERNEL)"
	$(call build_module,$(TESTKERNEL)/build,$(BUILD)/test)

tools:
	$(MAKE) -C tools

check: deps
	tests/check.sh

lint: deps
	tests/lint.sh

demo: deps all
	demo/run.sh

bench: deps all
	bench/run.sh

install: module tools
	install -D -m 644 kn.ko $(DESTDIR)/lib/modules/$(STOCK_KVER)/updates/kn.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(STOCK_KVER)
	$(MAKE) -C tools install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

dkms-install: tools
	rm -rf /usr/src/kn-$(VERSION)
	mkdir -p /usr/src/kn-$(VERSION)
	cp -r Kbuild kmod uapi dkms.conf /usr/src/kn-$(VERSION)/
	dkms add -m kn -v $(VERSION) || dkms status -m kn -v $(VERSION) | grep -q kn
	dkms build -m kn -v $(VERSION) -k $(STOCK_KVER)
	dkms install -m kn -v $(VERSION) -k $(STOCK_KVER) --force
	$(MAKE) -C tools install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

dkms-uninstall:
	-dkms remove -m kn -v $(VERSION) --all
	rm -rf /usr/src/kn-$(VERSION)

clean:
	rm -rf $(BUILD) kn.ko
	$(MAKE) -C tools clean
