#!/bin/sh
# The whole test suite, as README.md gives it: tools, build, tests, lint, types,
# then tollgate's own gates on itself (tollgate.toml, knip.json).
# Every step runs even when an earlier one failed, so one run shows everything.
set -u
cd "$(dirname "$0")/.." || exit 2
sh scripts/ensure-test-tools.sh || exit 4
bun scripts/build.ts || exit 1

failed=0
# The e2e suites drive the compiled binary and real tools; bun 1.4.5 ignores bunfig's [test] timeout.
bun test --timeout 60000 || failed=1
biome check . || failed=1
tsc -p . || failed=1
# Runs the suite a second time (with coverage) among its gates; its output has no
# "N pass" line, so bun's summary above stays the one .ci/run reports.
./dist/tollgate ci || failed=1
exit "$failed"
