#!/usr/bin/env bash
# Renders every kustomization of deploy/kubernetes with `kubectl kustomize` and validates what
# comes out (tests/kubernetes/validate.mjs): each object against the Kubernetes and
# prometheus-operator schemas, the PrometheusRule against dashboards/alerts/pcie_bar.rules.yml,
# the dashboards against dashboards/*.json, references between objects, least privilege; and that
# the copies in deploy/kubernetes match their sources (tests/kubernetes/sync.mjs).
# Usage: tests/kubernetes/validate.sh [--sync] [REPO_ROOT [WORK_DIR]]
#   --sync   rewrite the copies from their sources first
# Needs kubectl (kustomize v5), node (>= 18) and npm; the npm packages are installed, pinned, into
# $PCIE_BAR_NPM_CACHE (default ~/.cache/pcie_bar_exporter/npm) when missing.
set -euo pipefail
sync=false
[ "${1:-}" = --sync ] && { sync=true; shift; }
here=$(cd "$(dirname "$0")" && pwd)
repo=${1:-$(cd "$here/../.." && pwd)}
if [ -n "${2:-}" ]; then work=$2; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
npm_dir=${PCIE_BAR_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pcie_bar_exporter/npm}
# Pinned: kubernetes-models holds the Kubernetes API's OpenAPI schemas, the prometheus-operator
# package the monitoring.coreos.com CRDs' schemas.
packages=(kubernetes-models@5.1.0 @kubernetes-models/prometheus-operator@6.0.0 yaml@2.8.1)
targets=(deploy/kubernetes/overlays/sim deploy/kubernetes/overlays/vfio tests/kubernetes/variants/sim-podmonitor)

# kubectl is no Debian 12 package: without it the test is skipped (ctest's SKIP_RETURN_CODE 77),
# saying so; node and npm come with scripts/deps.sh test.
command -v kubectl >/dev/null || { echo "validate.sh: SKIPPED: kubectl (with kustomize) not found; install it to validate deploy/kubernetes" >&2; exit 77; }
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "validate.sh: $tool not found; run scripts/deps.sh test" >&2; exit 1; }
done

# The packages are installed again only when the pinned list changes.
if [ "$(cat "$npm_dir/.pinned" 2>/dev/null)" != "${packages[*]}" ]; then
  mkdir -p "$npm_dir"
  echo '{"private": true}' >"$npm_dir/package.json"
  npm install --prefix "$npm_dir" --no-audit --no-fund --ignore-scripts --loglevel=error "${packages[@]}" >&2 \
    || { echo "validate.sh: npm install ${packages[*]} into $npm_dir failed" >&2; exit 1; }
  echo "${packages[*]}" >"$npm_dir/.pinned"
fi

if $sync; then
  node "$here/sync.mjs" "$npm_dir" "$repo"
fi
status=0
node "$here/sync.mjs" "$npm_dir" "$repo" --check || status=1

mkdir -p "$work"
rendered=()
for target in "${targets[@]}"; do
  out=$work/$(basename "$target").yaml
  kubectl kustomize "$repo/$target" >"$out" || { echo "validate.sh: kubectl kustomize $target failed" >&2; exit 1; }
  rendered+=("$out")
done
node "$here/validate.mjs" "$npm_dir" "$repo" "${rendered[@]}" || status=1
[ $status -eq 0 ] && echo "validate.sh: all kustomizations valid"
exit $status
