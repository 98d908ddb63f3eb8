# Thin wrapper around CMake. `make run` and `make test` are the two commands
# a newcomer needs; see README.md.
BUILD    ?= build
SANBUILD ?= build-sanitize
DB       ?= sqlite:data/wenming.db
LISTEN   ?= 127.0.0.1:8080
JOBS     ?= $(shell nproc)
# ON builds the unit tests too (they need cmocka, a test package); `make run`
# builds with OFF so that it needs nothing but the run packages.
TESTS    ?= ON

.PHONY: all deps run test unit sanitize fuzz http e2e bench format clean

all:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWENMING_TESTS=$(TESTS) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

deps:
	scripts/install-deps

run:
	scripts/install-deps --run-only
	$(MAKE) --no-print-directory all TESTS=OFF
	scripts/run "$(DB)" "$(LISTEN)"

test:
	scripts/install-deps
	$(MAKE) --no-print-directory all
	tests/run-all

sanitize:
	cmake -S . -B $(SANBUILD) -DCMAKE_BUILD_TYPE=Debug -DWENMING_SANITIZE=ON -DWENMING_TESTS=ON >/dev/null
	cmake --build $(SANBUILD) -j$(JOBS)

bench: all
	bench/run.sh

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c')

clean:
	rm -rf $(BUILD) $(SANBUILD) build-fuzz
