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

.PHONY: all deps release san main test prove fuzz fuzz-build fuzz-smoke bench clean

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
	$(REL)/tools/mbverify/mbverify diff --traces 20000 --movable-node both

test: san
	cd $(SAN) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

prove: release
	$(REL)/tools/mbverify/mbverify prove --jobs $(JOBS)

$(FUZ)/build.ninja: | deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZ) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DMBV_FUZZ=ON -DMBV_SANITIZE=ON -DMBV_BUILD_TESTS=OFF -DMBV_BUILD_BENCH=OFF

fuzz-build: deps $(FUZ)/build.ninja
	cmake --build $(FUZ) -j $(JOBS)

bench: release
	cmake --build $(REL) --target bench-all -j $(JOBS)

clean:
	rm -rf $(BUILD)
