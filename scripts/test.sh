#!/usr/bin/env bash
# Runs the whole test suite: unit tests, differential tests against redis-server 7.0.15,
# black-box tests (redis-cli, Python, Node.js/ioredis), the RESP parser, RDB and stream
# fuzzers for a bounded time, and the unit + differential tests again under ASan/UBSan.
# Usage: scripts/test.sh [--quick] [--no-docker]
#   --quick      skips the sanitizer build, the fuzzers and the Docker test
#   --no-docker  skips scripts/test-docker.sh (image build + compose, ~10-14 min on 2 cores
#                from a cold Docker cache; also DUET_TEST_DOCKER=0). On a machine where no
#                container engine can run, that test says so loudly and is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
docker_test="${DUET_TEST_DOCKER:-1}"
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --docker) docker_test=1 ;;
    --no-docker) docker_test=0 ;;
    *) echo "test.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

step() { echo; echo "=== $* ==="; }

step "dependencies"
bash scripts/install-deps.sh
(cd tests/node && npm ci --no-audit --no-fund --loglevel=error)

step "build (release)"
bash scripts/build.sh release

step "unit tests"
./build/release/duet_unit_tests --gtest_brief=1

step "differential tests (redis-server 7.0.15 vs duet)"
python3 tests/diff/run_diff.py

step "black-box tests (python)"
for t in tests/blackbox/test_*.py; do
  [ -e "$t" ] || continue
  echo "--- $t"
  python3 "$t"
done

step "black-box tests (node: ioredis)"
(cd tests/node && DUET_BIN="$PWD/../../build/release/duet-server" node --test)

step "benchmark smoke run (bench/ scripts against this build; numbers are noise)"
DUET_BIN="$PWD/build/release/duet-server" bash bench/smoke.sh >/dev/null

if [ "$quick" = 1 ]; then
  echo; echo "quick run: sanitizer and fuzz stages skipped"; exit 0
fi

step "fuzz: RESP request parser (60 s)"
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDUET_FUZZ=ON -DDUET_TESTS=OFF \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build/fuzz --target fuzz_request_parser -j "$(nproc)"
mkdir -p build/fuzz/corpus
./build/fuzz/fuzz_request_parser -max_total_time=60 -max_len=4096 build/fuzz/corpus \
  fuzz/corpus/request_parser 2>&1 | tail -3

# RESTORE payloads and RDB files; DUET_RDB_FUZZ_SECONDS runs it longer (default 30).
step "fuzz: RDB files and RESTORE payloads (${DUET_RDB_FUZZ_SECONDS:-30} s)"
cmake --build build/fuzz --target fuzz_rdb_load -j "$(nproc)"
rm -rf build/fuzz/rdb-seeds && mkdir -p build/fuzz/rdb-corpus
DUET_BIN="$PWD/build/release/duet-server" python3 fuzz/make_rdb_seeds.py build/fuzz/rdb-seeds
./build/fuzz/fuzz_rdb_load -max_total_time="${DUET_RDB_FUZZ_SECONDS:-30}" -max_len=65536 \
  -rss_limit_mb=4096 build/fuzz/rdb-corpus build/fuzz/rdb-seeds 2>&1 | tail -3

# Streams against redis-server 7.0.15 (tests/diff/fuzz_streams.py): a fixed seed and a
# bounded number of rounds (~15 s); DUET_STREAM_FUZZ_SEED / _ROUNDS pick others, longer.
step "fuzz: streams vs redis-server (seed ${DUET_STREAM_FUZZ_SEED:-1}, ${DUET_STREAM_FUZZ_ROUNDS:-60} rounds)"
DUET_BIN="$PWD/build/release/duet-server" python3 tests/diff/fuzz_streams.py \
  "${DUET_STREAM_FUZZ_SEED:-1}" "${DUET_STREAM_FUZZ_ROUNDS:-60}"

step "build (asan/ubsan)"
bash scripts/build.sh asan
step "unit tests (asan/ubsan)"
ASAN_OPTIONS=detect_leaks=1 ./build/asan/duet_unit_tests --gtest_brief=1
step "differential + black-box tests (asan/ubsan)"
export DUET_BIN="$PWD/build/asan/duet-server"
python3 tests/diff/run_diff.py
for t in tests/blackbox/test_*.py; do
  [ -e "$t" ] || continue
  echo "--- $t"
  python3 "$t"
done
(cd tests/node && node --test)
if [ "$docker_test" = 1 ]; then
  step "docker: Dockerfile + compose.yaml (scripts/test-docker.sh)"
  DUET_DOCKER_ENGINE_OPTIONAL=1 bash scripts/test-docker.sh
fi
echo; echo "all tests passed"
