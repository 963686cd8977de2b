# Thin front over CMake + Ninja. Every target installs missing Debian packages first.
#   make          build the normal (-O2) flavour
#   make main     build and run the main job (mbverify diff on the default kernel)
#   make test     build the sanitized flavour (clang, ASan+UBSan) and run ctest
#   make prove    run the default theorem set
#   make fuzz     TARGET=x [TIME=s] [JOBS=n]: a local libFuzzer campaign
#   make bench    build and run the benchmarks
JOBS ?= $(shell nproc)
BUILD ?= build
REL := $(BUILD)/release
SAN := $(BUILD)/san
FUZ := $(BUILD)/fuzz
CMAKE_COMMON := -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON

.PHONY: all deps release san main test prove fuzz fuzz-build fuzz-smoke oss-fuzz-check prop-sweep coverage bench bench-fuzz clean

all: release

deps:
	@scripts/install-deps.sh

$(REL)/build.ninja: | deps
	cmake -S . -B $(REL) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMBV_BUILD_TESTS=OFF

release: deps $(REL)/build.ninja
	cmake --build $(REL) -j $(JOBS)

$(SAN)/build.ninja: | deps
	CC=clang CXX=clang++ cmake -S . -B $(SAN) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DMBV_SANITIZE=ON -DMBV_BUILD_BENCH=OFF

san: deps $(SAN)/build.ninja
	cmake --build $(SAN) -j $(JOBS)

main: release
	$(REL)/tools/mbverify/mbverify diff --traces 20000 --movable-node both --out $(BUILD)/diff-findings

test: san
	cd $(SAN) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

prove: release
	$(REL)/tools/mbverify/mbverify prove --jobs $(JOBS)

$(FUZ)/build.ninja: | deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZ) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DMBV_FUZZ=ON -DMBV_SANITIZE=ON -DMBV_BUILD_TESTS=OFF -DMBV_BUILD_BENCH=OFF

fuzz-build: deps $(FUZ)/build.ninja
	cmake --build $(FUZ) -j $(JOBS) --target fuzzers mbverify

# make fuzz TARGET=x [TIME=s] [JOBS=n]: libFuzzer fork mode (JOBS workers) on a
# working copy of the seed corpus ($(FUZ)/campaign/TARGET, kept between runs);
# options from fuzz/**/TARGET.options; crashes land in findings/TARGET/, each
# then decoded by `mbverify fuzz decode` into a reproducer beside it (a .trace
# or .scenario that `mbverify replay` reads).
# memblock_ops_diff starts from corpus/memblock_ops (same input format).
TIME ?= 600
fuzz: fuzz-build
	@test -n "$(TARGET)" || { echo "make fuzz: set TARGET= one of: $$(cut -d' ' -f1 $(FUZ)/fuzzers.txt | tr '\n' ' ')"; exit 3; }
	@grep -q "^$(TARGET) " $(FUZ)/fuzzers.txt || { echo "make fuzz: unknown TARGET '$(TARGET)'; one of: $$(cut -d' ' -f1 $(FUZ)/fuzzers.txt | tr '\n' ' ')"; exit 3; }
	@mkdir -p findings/$(TARGET) $(FUZ)/campaign/$(TARGET)
	@seeds=$$(test "$(TARGET)" = memblock_ops_diff && echo memblock_ops || echo $(TARGET)); \
	  cp -rn corpus/$$seeds/. $(FUZ)/campaign/$(TARGET)/ 2>/dev/null || true; \
	  opt=$$(find fuzz -name $(TARGET).options -print -quit); \
	  set -x; $$(grep "^$(TARGET) " $(FUZ)/fuzzers.txt | cut -d' ' -f2) -fork=$(JOBS) -ignore_crashes=1 \
	  -max_total_time=$(TIME) -artifact_prefix=findings/$(TARGET)/ \
	  $$(test -n "$$opt" && sed -n 's/^ *\([a-z_]*\) *= *\(.*\)$$/-\1=\2/p' $$opt) \
	  $$(test -f corpus/$$seeds.dict && echo -dict=corpus/$$seeds.dict) $(FUZ)/campaign/$(TARGET)
	@for f in findings/$(TARGET)/crash-* findings/$(TARGET)/timeout-* findings/$(TARGET)/oom-* findings/$(TARGET)/leak-*; do \
	  case "$$f" in *'*'*|*.trace|*.scenario|*.txt) continue;; esac; \
	  $(FUZ)/tools/mbverify/mbverify fuzz decode $(TARGET) "$$f" --out-dir findings/$(TARGET) || true; \
	done
	@echo "make fuzz: findings in findings/$(TARGET)/: $$(ls findings/$(TARGET) | wc -l) file(s); corpus $$(ls $(FUZ)/campaign/$(TARGET) | wc -l) inputs"

# Every target SMOKE_SECONDS on its seeds, JOBS at a time (CI: about 5 minutes with the build).
SMOKE_SECONDS ?= 20
fuzz-smoke: fuzz-build
	scripts/fuzz-smoke.sh $(FUZ) $(SMOKE_SECONDS) $(JOBS)

oss-fuzz-check: deps
	MBV_BUILD_JOBS=$(JOBS) scripts/oss-fuzz-check.sh

# RapidCheck properties under SEEDS random seeds (ctest pins one seed); the
# sanitized test build. FIRST=N starts at seed N (default: from the clock).
prop-sweep: san
	scripts/prop-sweep.sh $(SAN) $(or $(SEEDS),10) $(FIRST)

# Source-based coverage of ctest (with the seed-corpus replays) in $(BUILD)/coverage.
coverage: deps
	JOBS=$(JOBS) scripts/coverage.sh $(BUILD)/coverage

# Regenerate seeds from the owners' generators and minimise (corpus/ unchanged
# unless CORPUS_WRITE=1 and the result reaches more coverage).
.PHONY: corpus
corpus: fuzz-build
	JOBS=$(JOBS) scripts/make-corpus.sh $(FUZ)

bench: release
	cmake --build $(REL) --target bench-all -j 1

# Executions per second per fuzz target (unsanitized libFuzzer build in build/fuzz-perf).
bench-fuzz: deps
	bench/fuzz/fuzz-speed.sh $(BUILD)/fuzz-perf $(or $(SECONDS),30)

clean:
	rm -rf $(BUILD)
