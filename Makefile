# bootcon: build, test, install.  GNU make.
VERSION = 0.1

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
# The static helpers the boot uses (bootcon-init runs them from here).
LIBEXECDIR ?= $(PREFIX)/lib/bootcon
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSTEMDGENDIR ?= $(PREFIX)/lib/systemd/system-generators
# initramfs-tools' directory for the hook and boot scripts: the admin's for
# /usr/local, the distribution's for /usr, else under PREFIX.
INITRAMFSDIR ?= $(if $(filter /usr/local,$(PREFIX)),/etc/initramfs-tools,$(if \
	$(filter /usr,$(PREFIX)),/usr/share/initramfs-tools,$(PREFIX)/share/initramfs-tools))
INITRAMFS_SCRIPTS = init-top/bootcon panic/bootcon init-bottom/bootcon
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/bootcon
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

CC ?= cc
CFLAGS ?= -O2 -g -Wall -Wextra
MUSLCC ?= musl-gcc
STATIC_CFLAGS ?= -Os -Wall -Wextra
# A build id, as the dynamic builds have (dh_strip files debug info by it).
STATIC_LDFLAGS ?= -Wl,--build-id
override CPPFLAGS += -D_GNU_SOURCE -DBOOTCON_VERSION='"$(VERSION)"'

PROGS = c/bootcon-server c/bootcon-exec c/bootcon-mirror c/bootcon-log
STATIC = c/static/bootcon-server c/static/bootcon-exec c/static/bootcon-mirror \
	c/static/bootcon-log
COMMON = c/util.c
CONSOLE = c/console.c
HDRS = c/bootcon.h
HELPERS = $(patsubst %.c,%,$(wildcard tests/helpers/*.c))

all: $(PROGS) screen/bootcon.screenrc

screen/bootcon.screenrc: screen/bootcon.screenrc.in
	sed 's|@BOOTCON_SCREEN_DIR@|$(CURDIR)/screen|g' screen/bootcon.screenrc.in >$@

c/bootcon-server: c/bootcon-server.c $(COMMON) $(CONSOLE) $(HDRS)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ c/bootcon-server.c $(COMMON) $(CONSOLE) $(LDLIBS)

c/bootcon-exec: c/bootcon-exec.c $(COMMON) $(CONSOLE) $(HDRS)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ c/bootcon-exec.c $(COMMON) $(CONSOLE) $(LDLIBS)

c/bootcon-mirror: c/bootcon-mirror.c $(COMMON) $(HDRS)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ c/bootcon-mirror.c $(COMMON) $(LDLIBS)

c/bootcon-log: c/bootcon-log.c $(COMMON) $(HDRS)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ c/bootcon-log.c $(COMMON) $(LDLIBS)

static: $(STATIC)

c/static/bootcon-server: c/bootcon-server.c $(COMMON) $(CONSOLE) $(HDRS)
	@mkdir -p c/static
	$(MUSLCC) $(CPPFLAGS) $(STATIC_CFLAGS) $(STATIC_LDFLAGS) -static -o $@ c/bootcon-server.c $(COMMON) $(CONSOLE)

c/static/bootcon-exec: c/bootcon-exec.c $(COMMON) $(CONSOLE) $(HDRS)
	@mkdir -p c/static
	$(MUSLCC) $(CPPFLAGS) $(STATIC_CFLAGS) $(STATIC_LDFLAGS) -static -o $@ c/bootcon-exec.c $(COMMON) $(CONSOLE)

c/static/bootcon-mirror: c/bootcon-mirror.c $(COMMON) $(HDRS)
	@mkdir -p c/static
	$(MUSLCC) $(CPPFLAGS) $(STATIC_CFLAGS) $(STATIC_LDFLAGS) -static -o $@ c/bootcon-mirror.c $(COMMON)

c/static/bootcon-log: c/bootcon-log.c $(COMMON) $(HDRS)
	@mkdir -p c/static
	$(MUSLCC) $(CPPFLAGS) $(STATIC_CFLAGS) $(STATIC_LDFLAGS) -static -o $@ c/bootcon-log.c $(COMMON)

tests/helpers/%: tests/helpers/%.c $(HDRS)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -I c -o $@ $< $(LDLIBS)

# writewithin builds c/util.c in (it tests write_within).
tests/helpers/writewithin: c/util.c

helpers: $(HELPERS)

# libFuzzer harnesses of the client's receive path and the server's reading
# of an answer; "make fuzz" runs each for FUZZ_SECONDS from the checked-in
# corpus (new inputs go to tests/fuzz/work, findings to tests/fuzz/crash-*).
FUZZCC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -Wall -Wextra -I c
FUZZERS = tests/fuzz/client-fuzz tests/fuzz/server-fuzz

tests/fuzz/client-fuzz: tests/fuzz/client.c c/bootcon-exec.c $(COMMON) $(CONSOLE) $(HDRS)
	$(FUZZCC) $(CPPFLAGS) $(FUZZ_FLAGS) -o $@ tests/fuzz/client.c $(COMMON) $(CONSOLE)

tests/fuzz/server-fuzz: tests/fuzz/server.c c/bootcon-server.c $(COMMON) $(CONSOLE) $(HDRS)
	$(FUZZCC) $(CPPFLAGS) $(FUZZ_FLAGS) -o $@ tests/fuzz/server.c $(COMMON) $(CONSOLE)

fuzz:
	@sh tests/deps.sh fuzz
	@$(MAKE) -s $(FUZZERS)
	@for f in client server; do \
		mkdir -p tests/fuzz/work/$$f && \
		echo "fuzz: $$f for $(FUZZ_SECONDS) s" && \
		tests/fuzz/$$f-fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		    -artifact_prefix=tests/fuzz/crash-$$f- -print_final_stats=1 \
		    tests/fuzz/work/$$f tests/fuzz/corpus/$$f \
		    >tests/fuzz/work/$$f.log 2>&1 || { tail -n 40 tests/fuzz/work/$$f.log; exit 1; }; \
		grep -E '^(Done|stat::number_of_executed_units)' tests/fuzz/work/$$f.log; \
	done

deps:
	@sh tests/deps.sh check

# Everything the tests use: the static helpers too when musl is there.
check: deps
	@$(MAKE) -s all helpers $(FUZZERS) $(if $(shell command -v $(MUSLCC)),static)
	@sh tests/run

test: check

demo:
	@sh tests/deps.sh demo
	@$(MAKE) -s all
	@sh shell/bootcon-demo

boot-test: all static
	@sh tests/boot/run

distro-test: all static
	@sh tests/deps.sh distro
	@sh tests/boot/distro

bench: all static
	@sh tests/bench/run

# The Debian package, from this checkout: ../bootcon_$(VERSION)_*.deb (where
# dpkg-buildpackage puts it), and lintian's verdict on it.
deb:
	@sh tests/deps.sh deb
	dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning ../bootcon_$(VERSION)_*.changes

install: all static
	install -d -m 755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(DATADIR)/tmux/scripts $(DESTDIR)$(DATADIR)/screen \
	    $(DESTDIR)$(DATADIR)/shell \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
	    $(DESTDIR)$(SYSTEMDGENDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)/
	install -m 755 $(STATIC) $(DESTDIR)$(LIBEXECDIR)/
	install -m 644 shell/bootcon-find.sh shell/bootcon-cmdline.sh \
	    shell/bootcon-transcript.sh $(DESTDIR)$(DATADIR)/shell/
	sed -e 's|^BOOTCON_BIN=.*|BOOTCON_BIN=$${BOOTCON_BIN:-$(BINDIR)}|' \
	    -e 's|^BOOTCON_LIB=.*|BOOTCON_LIB=$(DATADIR)/shell|' shell/bootcon \
	    >$(DESTDIR)$(BINDIR)/bootcon
	chmod 755 $(DESTDIR)$(BINDIR)/bootcon
	sed -e 's|^BOOTCON_BIN=.*|BOOTCON_BIN=$${BOOTCON_BIN:-$(LIBEXECDIR)}|' \
	    -e 's|^BOOTCON_CMD=.*|BOOTCON_CMD=$(BINDIR)/bootcon|' \
	    -e 's|^BOOTCON_LIB=.*|BOOTCON_LIB=$(DATADIR)/shell|' \
	    -e 's|^BOOTCON_BOOT_CONF=.*|BOOTCON_BOOT_CONF=$(DATADIR)/boot.tmux.conf|' shell/bootcon-init \
	    >$(DESTDIR)$(SBINDIR)/bootcon-init
	chmod 755 $(DESTDIR)$(SBINDIR)/bootcon-init
	install -m 644 shell/systemd/bootcon-rescue-ssh.service $(DESTDIR)$(SYSTEMDUNITDIR)/
	sed 's|@BINDIR@|$(BINDIR)|g' shell/systemd/bootcon-log.service.in \
	    >$(DESTDIR)$(SYSTEMDUNITDIR)/bootcon-log.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/bootcon-log.service
	sed 's|^UNITDIR=.*|UNITDIR=$(SYSTEMDUNITDIR)|' shell/systemd/bootcon-generator \
	    >$(DESTDIR)$(SYSTEMDGENDIR)/bootcon-generator
	chmod 755 $(DESTDIR)$(SYSTEMDGENDIR)/bootcon-generator
	install -d -m 755 $(DESTDIR)$(INITRAMFSDIR)/hooks \
	    $(addprefix $(DESTDIR)$(INITRAMFSDIR)/scripts/,$(dir $(INITRAMFS_SCRIPTS)))
	sed -e 's|^BOOTCON_LIBEXEC=.*|BOOTCON_LIBEXEC=$(LIBEXECDIR)|' \
	    -e 's|^BOOTCON_CMD=.*|BOOTCON_CMD=$(BINDIR)/bootcon|' \
	    -e 's|^BOOTCON_BOOT_CONF=.*|BOOTCON_BOOT_CONF=$(DATADIR)/boot.tmux.conf|' \
	    -e 's|^BOOTCON_LIB=.*|BOOTCON_LIB=$(DATADIR)/shell|' \
	    shell/initramfs-tools/hooks/bootcon >$(DESTDIR)$(INITRAMFSDIR)/hooks/bootcon
	chmod 755 $(DESTDIR)$(INITRAMFSDIR)/hooks/bootcon
	for f in $(INITRAMFS_SCRIPTS); do \
	    install -m 755 shell/initramfs-tools/scripts/$$f $(DESTDIR)$(INITRAMFSDIR)/scripts/$$f || exit 1; \
	done
	install -m 644 c/bootcon-server.1 c/bootcon-exec.1 c/bootcon-mirror.1 c/bootcon-log.1 \
	    shell/bootcon.1 \
	    $(DESTDIR)$(MANDIR)/man1/
	install -d -m 755 $(DESTDIR)$(MANDIR)/man8
	install -m 644 shell/bootcon-init.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 755 bootcon.tmux $(DESTDIR)$(DATADIR)/
	install -m 644 shell/boot.tmux.conf $(DESTDIR)$(DATADIR)/
	install -m 755 tmux/bootcon.tmux $(DESTDIR)$(DATADIR)/tmux/
	install -m 644 tmux/scripts/helpers.sh $(DESTDIR)$(DATADIR)/tmux/scripts/
	sed 's|^BOOTCON_BIN=.*|BOOTCON_BIN=$${BOOTCON_BIN:-$(BINDIR)}|' \
	    tmux/scripts/new-console.sh >$(DESTDIR)$(DATADIR)/tmux/scripts/new-console.sh
	sed 's|^BOOTCON_BIN=.*|BOOTCON_BIN=$${BOOTCON_BIN:-$(BINDIR)}|' \
	    screen/bootcon-screen.sh >$(DESTDIR)$(DATADIR)/screen/bootcon-screen.sh
	chmod 755 $(DESTDIR)$(DATADIR)/tmux/scripts/new-console.sh \
	    $(DESTDIR)$(DATADIR)/screen/bootcon-screen.sh
	sed 's|@BOOTCON_SCREEN_DIR@|$(DATADIR)/screen|g' screen/bootcon.screenrc.in \
	    >$(DESTDIR)$(DATADIR)/screen/bootcon.screenrc
	chmod 644 $(DESTDIR)$(DATADIR)/screen/bootcon.screenrc
	install -m 644 shell/bootcon.bash-completion $(DESTDIR)$(BASHCOMPDIR)/bootcon

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/bootcon $(DESTDIR)$(BINDIR)/bootcon-server \
	    $(DESTDIR)$(BINDIR)/bootcon-exec $(DESTDIR)$(BINDIR)/bootcon-mirror \
	    $(DESTDIR)$(BINDIR)/bootcon-log \
	    $(DESTDIR)$(SBINDIR)/bootcon-init \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/bootcon-rescue-ssh.service \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/bootcon-log.service \
	    $(DESTDIR)$(SYSTEMDGENDIR)/bootcon-generator \
	    $(DESTDIR)$(MANDIR)/man1/bootcon.1 \
	    $(DESTDIR)$(MANDIR)/man1/bootcon-server.1 \
	    $(DESTDIR)$(MANDIR)/man1/bootcon-exec.1 \
	    $(DESTDIR)$(MANDIR)/man1/bootcon-mirror.1 \
	    $(DESTDIR)$(MANDIR)/man1/bootcon-log.1 \
	    $(DESTDIR)$(MANDIR)/man8/bootcon-init.8 \
	    $(DESTDIR)$(BASHCOMPDIR)/bootcon
	rm -f $(DESTDIR)$(INITRAMFSDIR)/hooks/bootcon \
	    $(addprefix $(DESTDIR)$(INITRAMFSDIR)/scripts/,$(INITRAMFS_SCRIPTS))
	rm -f $(addprefix $(DESTDIR)$(LIBEXECDIR)/,$(notdir $(STATIC)))
	-rmdir $(DESTDIR)$(LIBEXECDIR)
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -f $(PROGS) $(HELPERS) screen/bootcon.screenrc
	rm -rf c/static

.PHONY: deb fuzz all static helpers deps check test demo boot-test distro-test bench install uninstall clean
