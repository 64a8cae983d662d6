#!/usr/bin/env bash
# The container image and the compose stack, for real, with podman (no Docker engine here):
#  1. build docker/Dockerfile (base image made locally with debootstrap when missing),
#  2. run it, scrape it over loopback, check the health check, and `podman stop` it (exit 0, < 2 s),
#  3. bring up docker/compose.yaml (exporter + Prometheus; Grafana's image cannot be pulled here)
#     and ask Prometheus whether the exporter is up and the alert rules are loaded,
#  4. least privilege (issue 19): no real PCI device may be passed here, so a fake device directory
#     mounted read-only over /sys/bus/pci/devices stands in for one: a read-only sysfs run works
#     with every capability dropped, as nobody, on a read-only mount; a writes-enabled run on the
#     same mount fails with EROFS (what an O_RDWR open used to do even with writes disabled).
# Usage: container_test.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src=$1 work=$2
mkdir -p "$work"
export CONTAINERS_CONF=$work/containers.conf
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# podman needs runc (crun rejects this cgroup v1 hybrid host) and ulimits within the hard limits.
# Compose services find each other by name only through the CNI dnsname plugin (scripts/deps.sh
# installs it; without it Prometheus cannot resolve "exporter" and sees it down).
nofile=$(ulimit -Hn); [[ $nofile == unlimited || $nofile -gt 1048576 ]] && nofile=1048576
cat > "$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
network_backend = "cni"
CONF

if ! podman image exists localhost/debian:bookworm-slim; then
  echo "== base image: debootstrap bookworm (no registry is reachable)"
  bash "$src/tests/container/base_image.sh" "$work/rootfs"
fi

echo "== build"
t0=$(date +%s)
podman build --format docker --pull=never -q -f "$src/docker/Dockerfile" -t localhost/pcie_bar_exporter:test "$src" >/dev/null
echo "built in $(( $(date +%s) - t0 )) s; size $(podman image inspect localhost/pcie_bar_exporter:test --format '{{.Size}}') bytes"

echo "== run and scrape"
name=pcie-bar-test-$$
port=$(free_port)
podman rm -f "$name" >/dev/null 2>&1 || true
podman run -d --name "$name" -p "127.0.0.1:$port:9842" localhost/pcie_bar_exporter:test >/dev/null
trap 'podman rm -f "$name" >/dev/null 2>&1 || true' EXIT
body=
for _ in $(seq 1 100); do body=$(curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null) && [[ $body == *'pcie_bar_device_up{device="sim0"} 1'* ]] && break; sleep 0.2; done
[[ $body == *'pcie_bar_device_up{device="sim0"} 1'* ]] || fail "no data from the container: $(podman logs "$name" 2>&1 | tail -5)"
[[ $body == *'pcie_bar_op_duration_seconds_bucket{device="sim0",bar="0",op="rw"'* ]] || fail "no latency histogram"
podman healthcheck run "$name" || fail "health check failed"
echo "scraped $(grep -c '^pcie_bar' <<<"$body") samples; health check ok"

echo "== podman stop"
t0=$(date +%s%N)
podman stop -t 5 "$name" >/dev/null
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
code=$(podman inspect "$name" --format '{{.State.ExitCode}}')
echo "stopped in $ms ms, exit code $code"
[[ $code == 0 ]] || fail "exit code $code after SIGTERM"
(( ms < 2000 )) || fail "stop took $ms ms"

echo "== compose: exporter + Prometheus"
export EXPORTER_PORT=$(free_port) PROMETHEUS_PORT=$(free_port)
project=pcie_bar_test_$$
compose=(podman-compose -p "$project" -f "$src/docker/compose.yaml" -f "$src/docker/compose.debian.yaml")
cleanup() { "${compose[@]}" down -t 5 >/dev/null 2>&1 || true; podman network rm -f "${project}_default" >/dev/null 2>&1 || true; podman rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
"${compose[@]}" --podman-build-args='--format docker --pull=never' build >/dev/null
"${compose[@]}" up -d exporter prometheus >/dev/null
up=
for _ in $(seq 1 60); do
  up=$(curl -fsS "http://127.0.0.1:$PROMETHEUS_PORT/api/v1/query" --data-urlencode 'query=up{job="pcie_bar"}' 2>/dev/null || true)
  [[ $up == *'"value":['*',"1"]'* ]] && break
  sleep 1
done
if [[ $up != *'"value":['*',"1"]'* ]]; then
  targets=$(curl -fsS "http://127.0.0.1:$PROMETHEUS_PORT/api/v1/targets" 2>&1 || true)
  fail "Prometheus does not see the exporter up: $up; targets: $targets; exporter log: $("${compose[@]}" logs exporter 2>&1 | tail -5)"
fi
rules=$(curl -fsS "http://127.0.0.1:$PROMETHEUS_PORT/api/v1/rules")
[[ $rules == *PcieBarWriteVerifyFailing* ]] || fail "alert rules not loaded"
[[ $rules == *pcie_bar:device_up* ]] || fail "fleet rules (dashboards/fleet/pcie_bar.fleet.rules.yml) not loaded"
echo "Prometheus in compose scrapes the exporter (up=1) with the alert rules loaded"

echo "== least privilege: read-only sysfs run without --privileged"
fake=$work/fake-pci-devices
rm -rf "$fake" && mkdir -p "$fake/0000:ff:1f.7"
dev=$fake/0000:ff:1f.7
printf '0x00000000fe000000 0x00000000fe000fff 0x0000000000040200\n' > "$dev/resource"
for i in $(seq 1 12); do printf '0x0000000000000000 0x0000000000000000 0x0000000000000000\n' >> "$dev/resource"; done
head -c 4096 /dev/zero > "$dev/resource0"
printf '0x1234\n' > "$dev/vendor"; printf '0x11e8\n' > "$dev/device"; printf '0x00ff00\n' > "$dev/class"
# Owned by root, writable by root only, like a real resourceN (0600 root; readable by all here so
# that uid 65534 may read it): a refused write open is then the read-only mount's doing.
chmod -R a+rX "$dev"; chmod 0644 "$dev"/*
cat > "$work/writes.yml" <<'YML'
devices:
  - {name: rw, backend: sysfs, address: 0000:ff:1f.7, window: {size: 4KiB}, writes: {enabled: true}, verify: [],
     sweep: {block_sizes: [64], iterations: {read: 10, write: 10, rw: 10}}}
YML
chmod a+r "$work/writes.yml"
ro_run=(podman run --rm --cap-drop=all --security-opt=no-new-privileges --read-only
        -v "$fake:/sys/bus/pci/devices:ro" -v "$work/writes.yml:/writes.yml:ro")
out=$("${ro_run[@]}" --user 65534:65534 localhost/pcie_bar_exporter:test --once --output json --backend sysfs 0000:ff:1f.7 2>&1) ||
  fail "read-only sysfs run failed: $out"
[[ $out == *'"writes_enabled": false'* && $out == *'resource0 at 0xfe000000 (read-only)'* ]] || fail "not a read-only run: $out"
echo "read-only sysfs run: ok (no capabilities, uid 65534, read-only mount)"
# As root (the owner, so file permissions allow the write open), still without any capability.
set +e; out=$("${ro_run[@]}" localhost/pcie_bar_exporter:test --once --output json --config.file /writes.yml 2>&1); rc=$?; set -e
[[ $rc == 3 && $out == *'resource0: Read-only file system'* ]] || fail "a writes-enabled run on a read-only mount should fail with EROFS (rc $rc): $out"
echo "writes-enabled sysfs run on the same mount: refused with EROFS, as expected"
echo "PASS"
