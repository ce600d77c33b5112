# tilesim: the two commands of the quick start, and a few for developers.
#
#   make demo    install missing Debian packages (as root), configure, build Release, run the GEMM demo
#   make test    the same set-up, then the whole test suite through ctest
#
#   make asan    the test suite under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)
#   make tsan    the tests of code that runs host threads (label "threads") under ThreadSanitizer (build-tsan/)
#   make bench   the benchmarks (emulated GEMM vs Eigen, VM instructions per second)
#   make install PREFIX=/usr/local

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test asan tsan bench install clean

all: build

deps:
	@scripts/install_deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > $(BUILD_DIR).configure.log 2>&1 \
	  || (cat $(BUILD_DIR).configure.log; exit 1)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	$(BUILD_DIR)/tools/tilesim run gemm --M 1024 --N 1024 --K 1024

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTILESIM_SANITIZE=address,undefined -DTILESIM_BUILD_BENCHMARKS=OFF
	cmake --build build-asan -j $(JOBS)
	ctest --test-dir build-asan --output-on-failure -j $(JOBS)

tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTILESIM_SANITIZE=thread -DTILESIM_BUILD_BENCHMARKS=OFF
	cmake --build build-tsan -j $(JOBS)
	TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan --output-on-failure -j $(JOBS) -L threads

bench: build
	$(BUILD_DIR)/benchmarks/tilesim_benchmarks

install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan $(BUILD_DIR).configure.log
