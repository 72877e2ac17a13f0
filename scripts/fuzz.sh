#!/usr/bin/env bash
# Runs every fuzz target in the module for a fixed budget each (FUZZTIME,
# default 60s). Not part of CI.
#
# A failing input is saved by `go test` under <package>/testdata/fuzz/<Target>/,
# which is the seed corpus that every plain `go test` run replays: fix the bug,
# then commit the file so the case stays covered. The script lists any such
# new files and exits non-zero if a target failed.
#
#   scripts/fuzz.sh                  # every target, 60s each
#   FUZZTIME=10m scripts/fuzz.sh     # longer
#   scripts/fuzz.sh FuzzChunkDecode  # only the named targets
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-60s}"
failed=0

# Every "func FuzzX(" in a tracked test file, as "dir name" pairs.
mapfile -t targets < <(git ls-files '*_test.go' | xargs grep -H '^func Fuzz[A-Za-z0-9_]*(' |
  sed -E 's|^(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*|\1 \2|; s|^[^/ ]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*|. \1|' | sort -u)

for t in "${targets[@]}"; do
  dir=${t% *}
  name=${t#* }
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then
    continue
  fi
  [ "$dir" = . ] || dir="./$dir"
  echo "== $name ($dir, $FUZZTIME)"
  if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$dir"; then
    failed=1
  fi
done

new=$(git status --porcelain --untracked-files=all | grep '/testdata/fuzz/\|^?? testdata/fuzz/' || true)
if [ -n "$new" ]; then
  echo "== new failing inputs in the seed corpus (fix, then commit them):"
  echo "$new"
fi
exit $failed
