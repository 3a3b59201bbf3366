# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of them.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
RUN_ARGS ?=
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 3

.PHONY: setup test-deps build test test-sanitizers fuzz run bench bench-peers bench-slurm clean

setup:
	@scripts/setup.sh

# npm packages the tests use (tests/node: the official AWS SDK checks the fake AWS Batch, an
# OpenAPI validator checks api/openapi.yaml; tests/ui: playwright-core drives Chromium); fast when
# present.
test-deps: setup
	@cd tests/node && { [ -d node_modules/@aws-sdk/client-batch ] && \
	  [ node_modules/.package-lock.json -nt package-lock.json ]; } || \
	  npm ci --no-audit --no-fund --loglevel=error
	@cd tests/ui && { [ -d node_modules/playwright-core ] && \
	  [ node_modules/.package-lock.json -nt package-lock.json ]; } || \
	  npm ci --no-audit --no-fund --loglevel=error

build: setup
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
	@cmake --build $(BUILD_DIR) -j2

test: build test-deps
	@cd $(BUILD_DIR) && ctest --output-on-failure -j2 --timeout 600
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_TEST_SECONDS)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer, then ThreadSanitizer. The
# ThreadSanitizer pass leaves out the scripts that only drive the service's HTTP face from outside
# (the wfm CLI, auth, metrics, job definitions, walkthrough): the AddressSanitizer pass runs them,
# and what they exercise concurrently runs under ThreadSanitizer in the other suites.
TSAN_SKIPPED = ^(e2e_(cli|cli_watch_tmux|auth|job_definitions|metrics|walkthrough|sfn_cli)|wfm_cli\.)
test-sanitizers: setup test-deps
	@cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWFM_SANITIZE=address,undefined >/dev/null
	@cmake --build build-asan -j2
	@cd build-asan && LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --output-on-failure -j2 --timeout 600
	@cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWFM_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j2
	@cd build-tsan && TSAN_OPTIONS=suppressions=$(CURDIR)/tests/tsan.supp \
	  ctest --output-on-failure -j2 --timeout 600 -E '$(TSAN_SKIPPED)'

# The libFuzzer targets of fuzz/ (clang, ASan, UBSan; own build directory), each run for
# FUZZ_SECONDS from its seed corpus; prints executions, coverage and corpus sizes. `make test`
# runs them for FUZZ_TEST_SECONDS each.
fuzz: setup
	@cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
	  -DWFM_FUZZ=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
	@cmake --build $(FUZZ_DIR) -j2 --target fuzz_targets
	@fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

run: build
	@$(BUILD_DIR)/workflow-manager $(RUN_ARGS)

bench: build
	@bench/run.sh $(BUILD_DIR)

# workflow-manager beside its peers in the same run (make -j2, BullMQ + Redis, nginx), each figure
# and each ratio; installs the peers (Debian: nginx wrk hey redis-server; npm: bullmq).
bench-peers: build
	@scripts/setup.sh nginx wrk hey redis-server
	@cd bench/peers && npm ci --no-audit --no-fund --loglevel=error
	@bench/peers.sh $(BUILD_DIR)

# The Slurm executor on a private Slurm (tests/slurm/cluster.sh; needs root): submissions per
# second through Slurm's tools and slurmrestd next to plain sbatch, Slurm calls per poll.
bench-slurm: build
	@bench/slurm.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan $(FUZZ_DIR)
