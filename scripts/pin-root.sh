#!/usr/bin/env bash
# Pins every nested module's require of the root module github.com/zai-go/zai
# to the pseudo-version of one commit, as Go computes it:
#
#   v0.0.0-<UTC yyyymmddhhmmss of the commit time>-<first 12 hex digits of the hash>
#
# A user who fetches a nested module (zaieino, zaiotel, ...) gets that
# version of the root; the `replace ... => ../` lines keep serving local work.
# Run it after the root module changes, before a nested module is published.
#
#   scripts/pin-root.sh            # the newest commit on HEAD that changed a file of the root module
#   scripts/pin-root.sh <commit>   # a commit of your choice (it must be on main once published)
#   scripts/pin-root.sh --check    # only report nested modules not pinned to the default; exit 1 if any
set -euo pipefail
cd "$(dirname "$0")/.."

root=github.com/zai-go/zai

# Nested modules: every go.mod below the root, testdata excluded.
mapfile -t gomods < <(find . -mindepth 2 -name go.mod -not -path '*/testdata/*' -not -path './.git/*' | sed 's|^\./||' | sort)
if [ ${#gomods[@]} -eq 0 ]; then
  echo "pin-root: no nested go.mod found" >&2
  exit 1
fi

check=0
commit=
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) commit=$1 ;;
esac

if [ -z "$commit" ]; then
  # The files of the root module are those outside every nested module.
  excludes=()
  for m in "${gomods[@]}"; do
    excludes+=(":(exclude)$(dirname "$m")")
  done
  commit=$(git log -1 --format=%H HEAD -- . "${excludes[@]}")
fi
hash=$(git rev-parse --verify "$commit^{commit}")
when=$(git log -1 --format=%ct "$hash")
version="v0.0.0-$(date -u -d "@$when" +%Y%m%d%H%M%S)-${hash:0:12}"

status=0
for m in "${gomods[@]}"; do
  # The require of the root: "github.com/zai-go/zai v..." alone or in a block
  # (never the replace line, which has no version, nor a nested module path).
  current=$(sed -nE 's#^(require[[:space:]]+|[[:space:]]+)github\.com/zai-go/zai[[:space:]]+(v[^[:space:]]+).*#\2#p' "$m" | head -1)
  if [ -z "$current" ]; then
    continue # this module does not use the root
  fi
  if [ $check = 1 ]; then
    if [ "$current" != "$version" ]; then
      echo "$m requires $root $current; the newest root commit is $version"
      status=1
    fi
    continue
  fi
  sed -i -E "s#^((require[[:space:]]+|[[:space:]]+)github\.com/zai-go/zai[[:space:]]+)v[^[:space:]]+#\1$version#" "$m"
  echo "$m: $root $current -> $version"
done
exit $status
