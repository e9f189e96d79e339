// Runs deploy/kubernetes/cardflow.yaml's pods as Docker containers, as a
// kubelet would run them, for tests/deploy/kubernetes_docker_e2e.sh:
//
//   node kubernetes_docker.mjs NODE_MODULES MANIFEST IMAGE NETWORK LABEL SECRETS_JSON WORK
//
// SECRETS_JSON maps a Secret's name to {key: host file} (what
// `kubectl create secret generic --from-file` made of them). For each
// StatefulSet replica: a container with the pod's command ($(POD_NAME) and
// $(POD_NAMESPACE) filled in), user, read-only root, its Secret and
// ConfigMap volumes mounted file by file, and the DNS names the headless
// Service gives the pod (network aliases). Then, as the kubelet's gRPC
// probe, a plaintext health check on each pod's probe port until SERVING;
// then the Job's init containers and its container, in order. Prints the
// coordinator's output; exit 0 when the Job's container exits 0, else 1.
import { execFileSync, spawnSync } from "child_process";
import fs from "fs";
import path from "path";
import { pathToFileURL } from "url";

const [modules, manifest, image, network, label, secretsJson, work] = process.argv.slice(2);
const YAML = await import(pathToFileURL(path.join(modules, "yaml/dist/index.js")).href);
const secrets = JSON.parse(secretsJson);
const NAMESPACE = "default";

const objects = YAML.parseAllDocuments(fs.readFileSync(manifest, "utf8"))
  .map((d) => d.toJS())
  .filter((o) => o);
const find = (kind) => objects.find((o) => o.kind === kind);
const service = objects.find((o) => o.kind === "Service" && o.spec.clusterIP === "None");
const set = find("StatefulSet");
const job = find("Job");

const say = (line) => console.log(`kubernetes_docker: ${line}`);
const die = (line) => {
  console.error(`kubernetes_docker: FAILED: ${line}`);
  process.exit(1);
};

// `docker run` arguments mounting a pod's volumes into `container`, file by
// file (a Secret's items, or all its keys; a ConfigMap's data, written out).
function mounts(spec, container) {
  const args = [];
  for (const mount of container.volumeMounts || []) {
    const volume = spec.volumes.find((v) => v.name === mount.name);
    let files = {};
    if (volume.secret) {
      const data = secrets[volume.secret.secretName];
      if (!data) die(`no Secret ${volume.secret.secretName} (the docs create it)`);
      const items = volume.secret.items || Object.keys(data).map((key) => ({ key, path: key }));
      for (const item of items) {
        if (!data[item.key]) die(`Secret ${volume.secret.secretName} has no ${item.key}`);
        files[item.path] = data[item.key];
      }
    } else if (volume.configMap) {
      const map = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === volume.configMap.name);
      const dir = path.join(work, `configmap-${map.metadata.name}`);
      fs.mkdirSync(dir, { recursive: true });
      for (const [key, text] of Object.entries(map.data)) {
        fs.writeFileSync(path.join(dir, key), text);
        files[key] = path.join(dir, key);
      }
    } else {
      die(`volume ${volume.name}: a kind this test does not mount`);
    }
    for (const [file, host] of Object.entries(files)) {
      args.push("-v", `${host}:${mount.mountPath}/${file}:ro`);
    }
  }
  return args;
}

// `docker run` arguments for a container of `spec` with `env` filled in.
function runArgs(spec, container, env) {
  const fill = (word) => word.replace(/\$\(([A-Z_]+)\)/g, (_, name) => env[name] ?? `$(${name})`);
  const security = { ...spec.securityContext, ...container.securityContext };
  const args = ["--network", network, "--label", label];
  if (security.runAsUser) args.push("--user", `${security.runAsUser}:${security.runAsGroup ?? security.runAsUser}`);
  if (security.readOnlyRootFilesystem) args.push("--read-only");
  for (const [name, value] of Object.entries(env)) args.push("-e", `${name}=${value}`);
  return [...args, ...mounts(spec, container), image, ...container.command.map(fill)];
}

const docker = (args, options = {}) =>
  spawnSync("docker", args, { encoding: "utf8", timeout: 120_000, ...options });

// The nodes.
const pods = [...Array(set.spec.replicas).keys()].map((i) => `${set.metadata.name}-${i}`);
const podSpec = set.spec.template.spec;
const node = podSpec.containers[0];
for (const pod of pods) {
  const env = { POD_NAME: pod, POD_NAMESPACE: NAMESPACE };
  const aliases = [`${pod}.${service.metadata.name}`, `${pod}.${service.metadata.name}.${NAMESPACE}.svc.cluster.local`];
  const result = docker([
    "run", "-d", "--name", `${label.split("=")[1]}-${pod}`,
    ...aliases.flatMap((a) => ["--network-alias", a]),
    ...runArgs(podSpec, node, env),
  ]);
  if (result.status !== 0) die(`docker run ${pod}: ${result.stderr}`);
  say(`pod ${pod} started as ${aliases.join(", ")}`);
}

// The kubelet's probe: plaintext gRPC health on the probe's port, no
// client certificate, no token — until SERVING, up to 60 s each.
const probePort = node.readinessProbe.grpc.port;
const [listen] = node.command.filter((w) => w.startsWith("--listen=")).map((w) => w.split("=")[1]);
const mainPort = listen.slice(listen.lastIndexOf(":") + 1);
for (const pod of pods) {
  const address = `${pod}.${service.metadata.name}:${probePort}`;
  const deadline = Date.now() + 60_000;
  let probe;
  do {
    probe = docker(["run", "--rm", "--network", network, "--label", label, image, "cardflow-probe", address]);
    if (probe.status === 0) break;
    execFileSync("sleep", ["1"]);
  } while (Date.now() < deadline);
  if (probe.status !== 0) {
    const logs = docker(["logs", `${label.split("=")[1]}-${pod}`]);
    die(`the kubelet's probe of ${address} never saw SERVING: ${probe.stderr}\n${logs.stdout}${logs.stderr}`);
  }
  say(`kubelet probe ${address}: ${probe.stdout.trim()}`);
  // The main port is mutual TLS: the same plaintext probe must fail there.
  const plain = docker(["run", "--rm", "--network", network, "--label", label, image, "cardflow-probe",
    `${pod}.${service.metadata.name}:${mainPort}`]);
  if (plain.status === 0) die(`${pod}:${mainPort} answered a plaintext probe without certificate or token`);
}

// The Job: init containers, then the coordinator.
const jobSpec = job.spec.template.spec;
for (const init of jobSpec.initContainers || []) {
  const result = docker(["run", "--rm", ...runArgs(jobSpec, init, {})], { timeout: 330_000 });
  if (result.status !== 0) die(`init container ${init.name} exited ${result.status}: ${result.stderr}`);
  say(`init container ${init.name} done`);
}
const coordinator = docker(["run", "--rm", ...runArgs(jobSpec, jobSpec.containers[0], {})], { timeout: 300_000 });
process.stdout.write(coordinator.stdout);
process.stderr.write(coordinator.stderr);
if (coordinator.status !== 0) die(`the Job's container exited ${coordinator.status}`);
say("the Job's container exited 0");
