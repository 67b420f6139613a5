# bootcon: build, test, install.  GNU make.
VERSION = 0.1

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/bootcon
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

CC ?= cc
CFLAGS ?= -O2 -g -Wall -Wextra
MUSLCC ?= musl-gcc
STATIC_CFLAGS ?= -Os -Wall -Wextra
override CPPFLAGS += -D_GNU_SOURCE -DBOOTCON_VERSION='"$(VERSION)"'

PROGS = c/bootcon-server c/bootcon-exec
STATIC = c/static/bootcon-server c/static/bootcon-exec
COMMON = c/util.c
HDRS = c/bootcon.h
HELPERS = $(patsubst %.c,%,$(wildcard tests/helpers/*.c))

all: $(PROGS)

c/bootcon-server: c/bootcon-server.c $(COMMON) $(HDRS)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ c/bootcon-server.c $(COMMON) $(LDLIBS)

c/bootcon-exec: c/bootcon-exec.c $(COMMON) $(HDRS)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ c/bootcon-exec.c $(COMMON) $(LDLIBS)

static: $(STATIC)

c/static/bootcon-server: c/bootcon-server.c $(COMMON) $(HDRS)
	@mkdir -p c/static
	$(MUSLCC) $(CPPFLAGS) $(STATIC_CFLAGS) -static -o $@ c/bootcon-server.c $(COMMON)

c/static/bootcon-exec: c/bootcon-exec.c $(COMMON) $(HDRS)
	@mkdir -p c/static
	$(MUSLCC) $(CPPFLAGS) $(STATIC_CFLAGS) -static -o $@ c/bootcon-exec.c $(COMMON)

tests/helpers/%: tests/helpers/%.c $(HDRS)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -I c -o $@ $< $(LDLIBS)

helpers: $(HELPERS)

deps:
	@sh tests/deps.sh

check: deps all helpers
	@sh tests/run

test: check

.PHONY: all static helpers deps check test install uninstall clean
