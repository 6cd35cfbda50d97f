# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# bindsnoop: kernel side (clang -target bpf) -> skeleton (bpftool) -> user side (cc).
# Everything built goes to build/, except the tool itself: ./bindsnoop.
# `make V=1` shows the commands.

# OUTPUT and BINARY can be moved, e.g. for a sanitizer build:
#   make OUTPUT=build/asan BINARY=build/asan/bindsnoop CFLAGS="-g -fsanitize=address,undefined"
OUTPUT		?= build
BINARY		?= bindsnoop
CLANG		?= clang
BPFTOOL		?= bpftool

# The architecture to build for, in the kernel's naming: this machine's,
# or another on the command line. Cross-building, e.g. with Debian's cross
# compiler and the target's -dev packages (dpkg multiarch, pkgconf:arm64):
#   make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
# or with clang and the target's packages unpacked in a folder, as
# tests/vmtest/cross-build.sh does (CC="clang --target=... --sysroot=...").
HOST_ARCH	:= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
		     -e 's/ppc64le/powerpc/' -e 's/s390x/s390/' -e 's/riscv64/riscv/')
ARCH		:= $(HOST_ARCH)
VMLINUX_DIR	:= vmlinux/$(ARCH)
ifeq ($(wildcard $(VMLINUX_DIR)/vmlinux.h),)
ifneq ($(filter-out clean uninstall,$(or $(MAKECMDGOALS),all)),)
$(error ARCH=$(ARCH): no $(VMLINUX_DIR)/vmlinux.h (have: $(patsubst vmlinux/%/vmlinux.h,%,$(wildcard vmlinux/*/vmlinux.h))); vmlinux/from-debian.sh makes one)
endif
endif
CROSS_COMPILE	?=
PKG_CONFIG	?= $(CROSS_COMPILE)pkg-config
ifneq ($(CROSS_COMPILE),)
ifeq ($(origin CC),default)
CC		:= $(CROSS_COMPILE)gcc
endif
endif
CC		?= cc
# "bpf" is this machine's byte order; a cross build says which it wants.
ifeq ($(ARCH),$(HOST_ARCH))
BPF_TARGET	:= bpf
else ifeq ($(ARCH),s390)
BPF_TARGET	:= bpfeb
else
BPF_TARGET	:= bpfel
endif
VERSION		?= 0.1.0

# The user's CFLAGS/LDFLAGS come first and are kept; ours are added.
CFLAGS		?= -g -O2
LDFLAGS		?=
WARNINGS	:= -Wall -Wextra -Wno-missing-field-initializers
LIBBPF_CFLAGS	= $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS	= $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null)
# libsystemd, for --journal and sd_notify(): WITH_LIBSYSTEMD=auto (default)
# links it when pkg-config finds it (a static cross build has none: Debian
# ships no libsystemd.a, and that build refuses --journal), =yes requires it
# (debian/rules), =no leaves it out.
WITH_LIBSYSTEMD	?= auto
ifeq ($(WITH_LIBSYSTEMD),auto)
HAVE_LIBSYSTEMD	:= $(shell $(PKG_CONFIG) --exists libsystemd 2>/dev/null && echo yes)
else ifeq ($(WITH_LIBSYSTEMD),yes)
HAVE_LIBSYSTEMD	:= yes
else
HAVE_LIBSYSTEMD	:=
endif
ifeq ($(HAVE_LIBSYSTEMD),yes)
SYSTEMD_CFLAGS	= $(shell $(PKG_CONFIG) --cflags libsystemd 2>/dev/null) -DBINDSNOOP_LIBSYSTEMD
SYSTEMD_LIBS	= $(shell $(PKG_CONFIG) --libs libsystemd 2>/dev/null)
endif
ALL_CFLAGS	= $(CFLAGS) $(WARNINGS) -I$(OUTPUT) -I. $(LIBBPF_CFLAGS) $(SYSTEMD_CFLAGS) \
		  -DBINDSNOOP_VERSION='"$(VERSION)"' -MMD -MP
ALL_LDLIBS	= $(LIBBPF_LIBS) $(SYSTEMD_LIBS) -lelf -lz $(LDLIBS)
# The kernel side always needs -g (the BTF that CO-RE reads) and -O2 (the
# verifier); the user's BPF_CFLAGS (e.g. -Werror) are added after ours.
BPF_CFLAGS	?=
ALL_BPF_CFLAGS	= -g -O2 -Wall $(BPF_CFLAGS) -target $(BPF_TARGET) -D__TARGET_ARCH_$(ARCH) \
		  -I$(VMLINUX_DIR) -I. -MMD -MP

# The user-space stages (see bindsnoop.c); the pure ones are what the unit tests link.
LIB_OBJS	:= $(OUTPUT)/options.o $(OUTPUT)/test_hooks.o $(OUTPUT)/plan.o $(OUTPUT)/format.o $(OUTPUT)/owner.o \
		   $(OUTPUT)/trace_helpers.o $(OUTPUT)/journal_fields.o $(OUTPUT)/existing_format.o \
		   $(OUTPUT)/holders.o
USER_OBJS	:= $(OUTPUT)/bindsnoop.o $(OUTPUT)/kernel_facts.o $(OUTPUT)/backends.o \
		   $(OUTPUT)/output.o $(OUTPUT)/count.o $(OUTPUT)/journal.o $(OUTPUT)/existing.o \
		   $(LIB_OBJS)

ifeq ($(V),1)
Q		:=
msg		=
else
Q		:= @
msg		= @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all clean test check unit e2e bench soak vmtest deps-check deps demo install uninstall

all: deps-check $(BINARY)

# One line naming the Debian package, instead of a wall of compiler errors.
deps-check:
	@command -v $(CLANG) >/dev/null || { echo "bindsnoop: $(CLANG) not found: apt-get install clang llvm" >&2; exit 1; }
	@command -v $(BPFTOOL) >/dev/null || { echo "bindsnoop: $(BPFTOOL) not found: apt-get install bpftool" >&2; exit 1; }
	@command -v $(PKG_CONFIG) >/dev/null || { echo "bindsnoop: $(PKG_CONFIG) not found: apt-get install pkg-config" >&2; exit 1; }
	@$(PKG_CONFIG) --exists libbpf || { echo "bindsnoop: libbpf not found by pkg-config: apt-get install libbpf-dev" >&2; exit 1; }
	@test -e /usr/include/gelf.h || test -n "$$(find /usr/include -maxdepth 2 -name gelf.h 2>/dev/null)" || { echo "bindsnoop: libelf headers not found: apt-get install libelf-dev" >&2; exit 1; }
	@test -e /usr/include/zlib.h || { echo "bindsnoop: zlib headers not found: apt-get install zlib1g-dev" >&2; exit 1; }
	@test "$(WITH_LIBSYSTEMD)" != yes || $(PKG_CONFIG) --exists libsystemd || { echo "bindsnoop: WITH_LIBSYSTEMD=yes: libsystemd not found by pkg-config: apt-get install libsystemd-dev" >&2; exit 1; }

$(OUTPUT):
	$(Q)mkdir -p $@

# Kernel side.
$(OUTPUT)/bindsnoop.bpf.o: bindsnoop.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(ALL_BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/bindsnoop.skel.h: $(OUTPUT)/bindsnoop.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name bindsnoop_bpf > $@

# The same programs with typed reads (bpf_rdonly_cast(), 6.2+): a second
# object, so that the first has no kfunc for libbpf to look for on older
# kernels. backends.c opens its ELF through the first one's skeleton.
# -mcpu=v3: its --count table claims slots with compare-and-swap (5.12+).
$(OUTPUT)/bindsnoop_typed.bpf.o: bindsnoop.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(ALL_BPF_CFLAGS) -mcpu=v3 -DBINDSNOOP_TYPED_READS -c $< -o $@

$(OUTPUT)/bindsnoop_typed.skel.h: $(OUTPUT)/bindsnoop_typed.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name bindsnoop_typed_bpf > $@

# --existing's iterators: an object of their own (existing.bpf.c says why).
$(OUTPUT)/existing.bpf.o: existing.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(ALL_BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/existing.skel.h: $(OUTPUT)/existing.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name existing_bpf > $@

# User side.
# The stages that include the generated skeleton.
SKEL_USERS	:= $(OUTPUT)/bindsnoop.o $(OUTPUT)/backends.o $(OUTPUT)/output.o $(OUTPUT)/count.o \
		   $(OUTPUT)/journal.o
$(SKEL_USERS): $(OUTPUT)/%.o: %.c $(OUTPUT)/bindsnoop.skel.h $(OUTPUT)/bindsnoop_typed.skel.h | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/existing.o: existing.c $(OUTPUT)/existing.skel.h $(OUTPUT)/bindsnoop.skel.h \
		      $(OUTPUT)/bindsnoop_typed.skel.h | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/%.o: %.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BINARY): $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(ALL_LDLIBS) -o $@

# Tests: unit tests of the pure user-space code, and the workload the
# end-to-end suite binds with.
$(OUTPUT)/unit_tests: tests/unit_tests.c $(LIB_OBJS) | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) $(ALL_LDLIBS) -lcmocka -o $@

$(OUTPUT)/unit_config: tests/unit_config.c $(LIB_OBJS) | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) $(ALL_LDLIBS) -lcmocka -o $@

$(OUTPUT)/unit_journal: tests/unit_journal.c $(LIB_OBJS) | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) $(ALL_LDLIBS) -lcmocka -o $@

# The workloads parse numbers with the tool's own tested parse_ulong().
# Their links name only the .c files: with clang (the cross builds), -MMD
# writes the last source's headers as the target's prerequisites, and a
# header on the command line would make clang refuse the link.
$(OUTPUT)/workload: tests/workload.c trace_helpers.c | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(WARNINGS) -I. -MMD -MP $(LDFLAGS) -pthread $(filter %.c,$^) -o $@

# The benchmark's loop (bench/bindloop.c); bench/bench.sh builds its own
# copy, the guests' (bench/vm.sh, cross builds too) come from here.
$(OUTPUT)/bindloop: bench/bindloop.c trace_helpers.c | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(WARNINGS) -I. -MMD -MP $(LDFLAGS) -pthread $(filter %.c,$^) -o $@

# The start-up probe (bench/startup.c) for the guests (bench/vm.sh);
# bench/bench.sh builds its own copy too.
$(OUTPUT)/startup: bench/startup.c | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(WARNINGS) -MMD -MP $(LDFLAGS) $(filter %.c,$^) -o $@

# A 32-bit build of the same workload (static: the guests have no i386 libc),
# for the 32-bit (compat) syscall cases; x86-64 only.
$(OUTPUT)/workload32: tests/workload.c trace_helpers.c | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) -m32 -static $(CFLAGS) $(WARNINGS) -I. -MMD -MP $(LDFLAGS) -pthread $(filter %.c,$^) -o $@

# The benchmark's floor: empty programs on each backend's hooks (bench/README.md).
$(OUTPUT)/floor.bpf.o: bench/floor.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(ALL_BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/floor.skel.h: $(OUTPUT)/floor.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name floor_bpf > $@

$(OUTPUT)/floor: bench/floor.c $(OUTPUT)/floor.skel.h | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(ALL_LDLIBS) -o $@

TEST_BINS	:= $(BINARY) $(OUTPUT)/unit_tests $(OUTPUT)/unit_config $(OUTPUT)/unit_journal \
		   $(OUTPUT)/workload \
		   $(OUTPUT)/floor
ifeq ($(ARCH),x86)
TEST_BINS	+= $(OUTPUT)/workload32
endif

unit: $(OUTPUT)/unit_tests $(OUTPUT)/unit_config $(OUTPUT)/unit_journal
	$(Q)$(OUTPUT)/unit_tests && $(OUTPUT)/unit_config && $(OUTPUT)/unit_journal

e2e: $(TEST_BINS)
	$(Q)tests/e2e.sh

# The host suite: unit tests + e2e for every backend.
test: deps-check $(TEST_BINS)
	$(Q)tests/run.sh

# The qemu matrix alone.
vmtest: deps-check $(TEST_BINS)
	$(Q)tests/run.sh --vmtest-only

# Everything, from a fresh machine: install the Debian packages the build and
# the tests need, then host suite + qemu matrix, one total line at the end.
check:
	$(Q)WITH_VMTEST=1 tests/deps.sh
	$(Q)$(MAKE) --no-print-directory deps-check $(TEST_BINS)
	$(Q)tests/run.sh --all

deps:
	$(Q)WITH_VMTEST=1 tests/deps.sh

# Every column filled on one screen, for a first look.
demo: $(BINARY) $(OUTPUT)/workload
	$(Q)tests/demo.sh

bench: $(BINARY) $(OUTPUT)/workload $(OUTPUT)/floor
	$(Q)bench/bench.sh

# An hour of steady binds, for releases: RSS and open fds flat, --count
# exact, nothing lost (tests/soak.sh; make check runs a 75 s one).
soak: $(BINARY) $(OUTPUT)/workload
	$(Q)tests/soak.sh 60

clean:
	$(call msg,CLEAN,)
	$(Q)rm -rf $(OUTPUT) $(BINARY)

# Install: `make install PREFIX=/usr DESTDIR=/tmp/root` (debian/rules does so).
PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
BASHCOMPDIR	?= $(PREFIX)/share/bash-completion/completions
# bindsnoop.service; its ExecStart= names $(SBINDIR)/bindsnoop.
SYSTEMDUNITDIR	?= $(PREFIX)/lib/systemd/system
INSTALL		?= install

install: $(BINARY)
	$(call msg,INSTALL,$(DESTDIR)$(SBINDIR)/bindsnoop)
	$(Q)$(INSTALL) -D -m 755 $(BINARY) "$(DESTDIR)$(SBINDIR)/bindsnoop"
	$(call msg,INSTALL,$(DESTDIR)$(MANDIR)/man8/bindsnoop.8)
	$(Q)$(INSTALL) -D -m 644 bindsnoop.8 "$(DESTDIR)$(MANDIR)/man8/bindsnoop.8"
	$(call msg,INSTALL,$(DESTDIR)$(BASHCOMPDIR)/bindsnoop)
	$(Q)$(INSTALL) -D -m 644 completion/bindsnoop.bash "$(DESTDIR)$(BASHCOMPDIR)/bindsnoop"
	$(call msg,INSTALL,$(DESTDIR)$(SYSTEMDUNITDIR)/bindsnoop.service)
	$(Q)$(INSTALL) -d "$(DESTDIR)$(SYSTEMDUNITDIR)"
	$(Q)sed 's|^ExecStart=/usr/sbin/|ExecStart=$(SBINDIR)/|' systemd/bindsnoop.service \
		>"$(DESTDIR)$(SYSTEMDUNITDIR)/bindsnoop.service"
	$(Q)chmod 644 "$(DESTDIR)$(SYSTEMDUNITDIR)/bindsnoop.service"

uninstall:
	$(call msg,RM,$(DESTDIR)$(SBINDIR)/bindsnoop)
	$(Q)rm -f "$(DESTDIR)$(SBINDIR)/bindsnoop"
	$(call msg,RM,$(DESTDIR)$(MANDIR)/man8/bindsnoop.8)
	$(Q)rm -f "$(DESTDIR)$(MANDIR)/man8/bindsnoop.8"
	$(call msg,RM,$(DESTDIR)$(BASHCOMPDIR)/bindsnoop)
	$(Q)rm -f "$(DESTDIR)$(BASHCOMPDIR)/bindsnoop"
	$(call msg,RM,$(DESTDIR)$(SYSTEMDUNITDIR)/bindsnoop.service)
	$(Q)rm -f "$(DESTDIR)$(SYSTEMDUNITDIR)/bindsnoop.service"

-include $(wildcard $(OUTPUT)/*.d)
