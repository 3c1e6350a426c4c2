# adreport - build, test, demo, bench, install.
#
#   make            build ./adreport
#   make demo       run the nightly job on samples/ against a private PostgreSQL
#   make test       unit + integration tests against a throwaway PostgreSQL 15
#   make bench      benchmarks (not part of CI; BENCH_SCALE=1 by default)
#   make deps       install the Debian packages that build, tests and demo need
#   make install    PREFIX=/usr/local DESTDIR=
#   SANITIZE=1      build everything with ASan + UBSan
#   V=1             show the commands that build (silent by default)

CC      ?= gcc
PREFIX  ?= /usr/local
PKGS     = libpq xlsxwriter zlib libcrypto
OPT     ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(OPT) -Wall -Wextra -Werror -Iinclude -Ibuild \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -pthread
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BUILD   := build/san
else
BUILD   := build/rel
endif
# Build commands print nothing unless V=1.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# Debian packages for build, tests and demo (make deps).
DEPS = gcc make pkg-config libc6-dev libpq-dev libcsv-dev libxlsxwriter-dev zlib1g-dev \
       libssl-dev libcmocka-dev postgresql-15 postgresql-common postgresql-client-15 postgresql-15-hll \
       python3 python3-openpyxl libreoffice-calc-nogui poppler-utils fonts-ipafont-gothic \
       valgrind clang procps strace bsdutils

SRC      := $(wildcard src/*.c)
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/%.o,$(filter-out src/main.c,$(SRC))) $(BUILD)/sql_embed.o
SQL      := $(shell find sql -name '*.sql' | sort)
TESTS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c))

.PHONY: all deps demo demo-stop test unit-tests bench install clean format
all: adreport

adreport: $(BUILD)/adreport
	$(Q)cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/adreport: $(BUILD)/main.o $(LIB_OBJ)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# SQL files are embedded at build time: each becomes a C string named after
# its path under sql/ without ".sql" (sql/queries/rollup_ads.sql ->
# "queries/rollup_ads"), found with db_sql().  Each also gets a variant
# "<name>:noreach" without its lines that end in "-- @reach": the statement
# for a database without the hll extension (see db_sql_reach()).
SQL_TO_C = sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/'
$(BUILD)/sql_embed.c: $(SQL) Makefile | $(BUILD)
	$(Q){ echo '/* generated from the files under sql/ by the Makefile; do not edit */'; \
	   echo '#include <stddef.h>'; \
	   echo 'const struct { const char *name; const char *text; } adr_sql_files[] = {'; \
	   for f in $(SQL); do \
	     n=$${f#sql/}; n=$${n%.sql}; \
	     echo "{\"$$n\","; $(SQL_TO_C) $$f; echo '},'; \
	     echo "{\"$$n:noreach\","; sed -e '/-- @reach$$/d' $$f | $(SQL_TO_C); echo '},'; \
	   done; echo '{NULL, NULL}};'; } > $@

$(BUILD)/sql_embed.o: $(BUILD)/sql_embed.c
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(LIB_OBJ) | $(BUILD)
	$(Q)$(CC) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS) -lcmocka

$(BUILD):
	$(Q)mkdir -p $(BUILD)/tests

unit-tests: $(TESTS)

deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "run as root: apt-get install -y $$missing"; exit 1; fi

demo: deps
	@$(MAKE) --no-print-directory all
	@samples/demo.sh

demo-stop:
	@samples/demo.sh stop

test: deps
	@$(MAKE) --no-print-directory all unit-tests
	@tests/run.sh $(BUILD)

bench: deps
	@$(MAKE) --no-print-directory all
	@tests/bench/run.sh
	@ADR_SRC=$(CURDIR)/adreport tests/bench/extras.sh

install: adreport
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 adreport $(DESTDIR)$(PREFIX)/bin/adreport
	install -m 644 src/adreport.1 $(DESTDIR)$(PREFIX)/share/man/man1/adreport.1

format:
	clang-format -i src/*.c include/adreport/*.h tests/*.c

clean:
	rm -rf build adreport

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)
