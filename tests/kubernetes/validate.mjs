// Validates rendered kustomize output (tests/kubernetes/validate.sh renders it):
//   node validate.mjs NPM_DIR REPO_ROOT RENDERED.yaml...
// Every object against its Kubernetes or prometheus-operator schema (kubernetes-models), then what
// a schema cannot see: the PrometheusRules' groups against dashboards/alerts/pcie_bar.rules.yml and
// dashboards/fleet/pcie_bar.fleet.rules.yml,
// the dashboards against dashboards/*.json, references between objects, and the exporter's
// least-privilege settings. Prints one line per problem and exits 1 if there is any.
import { readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";

const [npmDir, repoRoot, ...renderedFiles] = process.argv.slice(2);
const problems = [];
const importFromCache = (file) => import(pathToFileURL(join(npmDir, "node_modules", file)).href);
const YAML = await importFromCache("yaml/dist/index.js");

// apiVersion -> where its model classes live in the npm packages.
const modelDirs = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

function parseYamlDocuments(text, what) {
  return YAML.parseAllDocuments(text).map((doc) => {
    if (doc.errors.length) throw new Error(`${what}: ${doc.errors[0].message}`);
    return doc.toJS();
  }).filter((obj) => obj !== null);
}

const nameOf = (obj) => `${obj.kind}/${obj.metadata?.name}`;
const namespaceOf = (obj) => obj.metadata?.namespace ?? "default";
const selects = (matchLabels, labels) =>
  Object.entries(matchLabels ?? {}).every(([key, value]) => labels?.[key] === value);

async function validateSchema(obj, report) {
  const dir = modelDirs[obj.apiVersion];
  if (!dir) return report(`no schema known for apiVersion ${obj.apiVersion}`);
  let model;
  try {
    model = (await importFromCache(`${dir}/${obj.kind}.js`))[obj.kind];
  } catch {
    return report(`no schema known for ${obj.apiVersion} ${obj.kind}`);
  }
  try {
    new model(obj).validate();
  } catch (error) {
    report(`schema: ${error.message}`);
  }
}

// Each PrometheusRule by name, and the rules file it is made from (as in sync.mjs).
const ruleSources = {
  "pcie-bar-exporter": "dashboards/alerts/pcie_bar.rules.yml",
  "pcie-bar-exporter-fleet": "dashboards/fleet/pcie_bar.fleet.rules.yml",
};

function checkPrometheusRule(rule, report) {
  const source = ruleSources[rule.metadata.name];
  if (!source) return report(`no rules file is known for this PrometheusRule (known: ${Object.keys(ruleSources).join(", ")})`);
  const rulesFile = join(repoRoot, source);
  const [parsed] = parseYamlDocuments(readFileSync(rulesFile, "utf8"), rulesFile);
  if (!isDeepStrictEqual(rule.spec?.groups, parsed.groups))
    report(`spec.groups differ from ${source}; run tests/kubernetes/validate.sh --sync`);
}

function checkDashboards(objects, report) {
  const dir = join(repoRoot, "dashboards");
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".json"))) {
    const holders = objects.filter((obj) => obj.kind === "ConfigMap" && obj.data?.[file] !== undefined);
    if (holders.length !== 1) {
      report(`dashboards/${file} is in ${holders.length} ConfigMaps, want 1`);
      continue;
    }
    const [holder] = holders;
    if (holder.metadata.labels?.grafana_dashboard !== "1")
      report(`${nameOf(holder)} lacks the label grafana_dashboard: "1" that Grafana's sidecar watches`);
    if (!isDeepStrictEqual(JSON.parse(holder.data[file]), JSON.parse(readFileSync(join(dir, file), "utf8"))))
      report(`${nameOf(holder)} differs from dashboards/${file}; run tests/kubernetes/validate.sh --sync`);
  }
}

// The promises README and daemonset.yaml make: nothing above what reading a BAR needs.
function checkLeastPrivilege(daemonSet, report) {
  const pod = daemonSet.spec.template.spec;
  for (const container of pod.containers) {
    const context = container.securityContext ?? {};
    const where = `container ${container.name}`;
    if (context.readOnlyRootFilesystem !== true) report(`${where}: readOnlyRootFilesystem is not true`);
    if (context.allowPrivilegeEscalation !== false) report(`${where}: allowPrivilegeEscalation is not false`);
    if (context.privileged === true) report(`${where}: privileged`);
    if (!context.capabilities?.drop?.includes("ALL")) report(`${where}: capabilities do not drop ALL`);
    if (context.capabilities?.add?.length) report(`${where}: adds capabilities ${context.capabilities.add}`);
    const seccomp = context.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault") report(`${where}: seccomp profile is ${seccomp}, not RuntimeDefault`);
    if (!container.resources?.requests?.memory || !container.resources?.limits?.memory)
      report(`${where}: no memory request and limit`);
  }
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) report("shares a host namespace");
}

function checkReferences(objects, report) {
  const inNamespace = (kind, ns) => objects.filter((obj) => obj.kind === kind && namespaceOf(obj) === ns);
  const daemonSets = objects.filter((obj) => obj.kind === "DaemonSet");
  const podsOf = (ns) => inNamespace("DaemonSet", ns).map((ds) => ds.spec.template);
  const portNames = (template) => template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name));

  for (const ds of daemonSets) {
    const ns = namespaceOf(ds);
    for (const volume of ds.spec.template.spec.volumes ?? []) {
      const wanted = volume.configMap?.name;
      if (wanted && !inNamespace("ConfigMap", ns).some((cm) => cm.metadata.name === wanted))
        report(`${nameOf(ds)} mounts ConfigMap ${wanted}, which is not in namespace ${ns}`);
    }
    if (!selects(ds.spec.selector.matchLabels, ds.spec.template.metadata.labels))
      report(`${nameOf(ds)}: its selector does not match its pod template`);
  }
  for (const service of objects.filter((obj) => obj.kind === "Service")) {
    const pods = podsOf(namespaceOf(service)).filter((t) => selects(service.spec.selector, t.metadata.labels));
    if (!pods.length) report(`${nameOf(service)} selects no pods in namespace ${namespaceOf(service)}`);
    for (const port of service.spec.ports)
      if (typeof port.targetPort === "string" && !pods.some((t) => portNames(t).includes(port.targetPort)))
        report(`${nameOf(service)}: targetPort ${port.targetPort} is no container port`);
  }
  const monitors = objects.filter((obj) => obj.kind === "ServiceMonitor" || obj.kind === "PodMonitor");
  if (monitors.length !== 1)
    report(`${monitors.length} ServiceMonitors and PodMonitors, want exactly 1 (two would scrape every exporter twice)`);
  for (const monitor of monitors) {
    const ns = namespaceOf(monitor);
    if (monitor.kind === "ServiceMonitor") {
      const services = inNamespace("Service", ns).filter((s) => selects(monitor.spec.selector.matchLabels, s.metadata.labels));
      if (!services.length) report(`${nameOf(monitor)} selects no Service in namespace ${ns}`);
      for (const endpoint of monitor.spec.endpoints)
        if (!services.some((s) => s.spec.ports.some((p) => p.name === endpoint.port)))
          report(`${nameOf(monitor)}: endpoint port ${endpoint.port} is no port of the Service`);
    } else {
      const pods = podsOf(ns).filter((t) => selects(monitor.spec.selector.matchLabels, t.metadata.labels));
      if (!pods.length) report(`${nameOf(monitor)} selects no pods in namespace ${ns}`);
      for (const endpoint of monitor.spec.podMetricsEndpoints)
        if (!pods.some((t) => portNames(t).includes(endpoint.port)))
          report(`${nameOf(monitor)}: endpoint port ${endpoint.port} is no container port`);
    }
  }
}

for (const file of renderedFiles) {
  const target = basename(file, ".yaml");
  const objects = parseYamlDocuments(readFileSync(file, "utf8"), file);
  const reportFor = (obj) => (message) => problems.push(`${target}: ${nameOf(obj)}: ${message}`);
  const report = (message) => problems.push(`${target}: ${message}`);
  for (const obj of objects) await validateSchema(obj, reportFor(obj));

  const rules = objects.filter((obj) => obj.kind === "PrometheusRule");
  const ruleNames = rules.map((rule) => rule.metadata.name).sort().join(", ");
  if (ruleNames !== Object.keys(ruleSources).sort().join(", "))
    report(`PrometheusRules ${ruleNames}, want one each of ${Object.keys(ruleSources).sort().join(", ")}`);
  rules.forEach((rule) => checkPrometheusRule(rule, reportFor(rule)));
  const daemonSets = objects.filter((obj) => obj.kind === "DaemonSet");
  if (daemonSets.length !== 1) report(`${daemonSets.length} DaemonSets, want 1`);
  daemonSets.forEach((ds) => checkLeastPrivilege(ds, reportFor(ds)));
  checkDashboards(objects, report);
  checkReferences(objects, report);
  console.log(`${target}: ${objects.length} objects checked`);
}

for (const problem of problems) console.error(problem);
process.exit(problems.length ? 1 : 0);
