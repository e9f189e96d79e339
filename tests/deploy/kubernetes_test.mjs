// Validates deploy/kubernetes/cardflow.yaml and checks its wiring.
//
//   node kubernetes_test.mjs NODE_MODULES REPO_ROOT MANIFEST...
//
// 1. Every object against the Kubernetes API schema of its kind
//    (kubernetes-models, Kubernetes 1.27).
// 2. Every object type-checked by TypeScript as that kind's interface:
//    excess-property checks reject unknown fields (a misspelt
//    `periodSecondz`), which the schemas accept.
// 3. Both on a broken copy too, which must fail — so neither passes
//    vacuously.
// 4. The wiring: the StatefulSet's pods match the headless Service; each
//    node advertises $(POD_NAME).<that Service>...:<its --listen port>;
//    the probes are the kubelet's gRPC probes on the --health-listen port
//    (plaintext, health only), not the --listen port; TLS and the token
//    come from mounted Secrets, the nodes and the coordinator (and its init
//    container) sharing the CA and the token; the Job's --node list is
//    exactly the StatefulSet's replicas with those addresses, and its
//    --place names are among them; the init container waits for the same
//    addresses; the deck in the ConfigMap is the one in
//    examples/ and is where the Job reads it; terminationGracePeriodSeconds
//    exceeds --drain-ms; nothing runs as root; the optional chaos proxy's
//    --config proxies lead to the nodes' addresses and listen on its
//    Service's ports.
// Exit 0 when all hold, else 1 listing every failure.
import { execFileSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { pathToFileURL } from "url";

const [modules, root, ...manifestPaths] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(path.join(modules, p)).href);
const YAML = await load("yaml/dist/index.js");

const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
};

// kind -> [module of kubernetes-models, class, TypeScript interface module]
const KINDS = {
  "v1/ConfigMap": ["v1/index.js", "ConfigMap", "kubernetes-models/v1/ConfigMap"],
  "v1/Service": ["v1/index.js", "Service", "kubernetes-models/v1/Service"],
  "apps/v1/StatefulSet": ["apps/v1/index.js", "StatefulSet", "kubernetes-models/apps/v1/StatefulSet"],
  "apps/v1/Deployment": ["apps/v1/index.js", "Deployment", "kubernetes-models/apps/v1/Deployment"],
  "policy/v1/PodDisruptionBudget": [
    "policy/v1/index.js",
    "PodDisruptionBudget",
    "kubernetes-models/policy/v1/PodDisruptionBudget",
  ],
  "batch/v1/Job": ["batch/v1/index.js", "Job", "kubernetes-models/batch/v1/Job"],
};

function parse(text) {
  const docs = YAML.parseAllDocuments(text);
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
    const value = doc.toJS();
    if (value !== null) objects.push(value);
  }
  return objects;
}

// Schema errors of each object, by "Kind/name".
async function schemaErrors(objects) {
  const errors = [];
  for (const object of objects) {
    const key = `${object.apiVersion}/${object.kind}`;
    const kind = KINDS[key];
    if (!kind) {
      errors.push(`${key}: a kind this test does not know`);
      continue;
    }
    const Model = (await load(`kubernetes-models/${kind[0]}`))[kind[1]];
    try {
      new Model(object).validate();
    } catch (e) {
      errors.push(`${object.kind}/${object.metadata?.name}: ${e.message}`);
    }
  }
  return errors;
}

// TypeScript's errors for the objects as literals of their interfaces.
function typeErrors(objects) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cardflow-k8s-"));
  try {
    fs.symlinkSync(modules, path.join(dir, "node_modules"));
    const lines = [];
    objects.forEach((object, i) => {
      const kind = KINDS[`${object.apiVersion}/${object.kind}`];
      if (!kind) return;
      lines.push(`import type { I${kind[1]} as T${i} } from "${kind[2]}";`);
      lines.push(`export const o${i}: T${i} = ${JSON.stringify(object, null, 1)};`);
    });
    fs.writeFileSync(path.join(dir, "manifests.ts"), lines.join("\n") + "\n");
    try {
      execFileSync(
        process.execPath,
        [
          path.join(modules, "typescript/bin/tsc"),
          "--noEmit", "--strict", "--skipLibCheck", "--module", "esnext",
          "--moduleResolution", "bundler", "--target", "es2022", "manifests.ts",
        ],
        { cwd: dir, encoding: "utf8", stdio: "pipe" },
      );
      return [];
    } catch (e) {
      return [`${e.stdout}${e.stderr}`.trim() || e.message];
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// --flag=value or --flag value in a command line: every value.
function flagValues(command, flag) {
  const values = [];
  command.forEach((word, i) => {
    if (word.startsWith(`${flag}=`)) values.push(word.slice(flag.length + 1));
    else if (word === flag && i + 1 < command.length) values.push(command[i + 1]);
  });
  return values;
}
const portOf = (address) => Number(address.slice(address.lastIndexOf(":") + 1));

function checkWiring(objects) {
  const find = (kind) => objects.filter((o) => o.kind === kind);
  const service = find("Service").find((o) => o.spec.clusterIP === "None");
  const [set] = find("StatefulSet");
  const [job] = find("Job");
  const decks = find("ConfigMap").find((o) => o.metadata.name === "cardflow-decks");
  const [budget] = find("PodDisruptionBudget");
  check(service && set && job && decks && budget, "one each of Service, StatefulSet, Job, ConfigMap, PodDisruptionBudget");
  if (failures.length) return;

  // The Service and the StatefulSet.
  check(set.spec.serviceName === service.metadata.name, `the StatefulSet's serviceName is the Service (${set.spec.serviceName})`);
  check(set.spec.podManagementPolicy === "Parallel", "podManagementPolicy: Parallel");
  const podLabels = set.spec.template.metadata.labels;
  const selects = (selector) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
  check(selects(service.spec.selector), "the Service selects the node pods");
  check(selects(set.spec.selector.matchLabels), "the StatefulSet's selector matches its pods");
  check(selects(budget.spec.selector.matchLabels), "the PodDisruptionBudget selects the node pods");

  // The node container: listen, advertise, probes.
  const pod = set.spec.template.spec;
  const node = pod.containers[0];
  const command = node.command;
  const [listen] = flagValues(command, "--listen");
  const [advertise] = flagValues(command, "--advertise");
  const port = portOf(listen);
  check(Number.isInteger(port) && port > 0, `--listen has a port (${listen})`);
  const servicePort = service.spec.ports[0];
  const containerPort = node.ports.find((p) => p.name === servicePort.targetPort || p.containerPort === servicePort.targetPort);
  check(containerPort && containerPort.containerPort === port, "the Service's targetPort is the container port --listen serves");
  check(servicePort.port === port, "the Service's port is the node's port (peers dial the advertised port)");
  const [name] = flagValues(command, "--name");
  check(name === "$(POD_NAME)", `--name is the pod's name (${name})`);
  const host = `$(POD_NAME).${service.metadata.name}.`;
  check(advertise && advertise.startsWith(host), `--advertise ${advertise} is the pod's name under the Service ${service.metadata.name}`);
  check(advertise && portOf(advertise) === port, `--advertise has the --listen port ${port}`);
  const env = Object.fromEntries((node.env || []).map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath]));
  check(env.POD_NAME === "metadata.name", "POD_NAME comes from metadata.name");
  if (advertise.includes("$(POD_NAMESPACE)")) check(env.POD_NAMESPACE === "metadata.namespace", "POD_NAMESPACE comes from metadata.namespace");
  // The probes: the kubelet's gRPC probe on the plaintext health port.
  const [healthListen] = flagValues(command, "--health-listen");
  const healthPort = portOf(healthListen || "");
  check(Number.isInteger(healthPort) && healthPort > 0 && healthPort !== port,
    `--health-listen has a port of its own (${healthListen})`);
  check(node.ports.some((p) => p.containerPort === healthPort), `the container declares the health port ${healthPort}`);
  for (const probeName of ["readinessProbe", "livenessProbe"]) {
    const probe = node[probeName];
    check(probe?.grpc !== undefined, `${probeName} is the kubelet's gRPC probe`);
    check(probe?.grpc?.port === healthPort, `${probeName} asks the health port ${healthPort} (${probe?.grpc?.port})`);
  }
  const [drain] = flagValues(command, "--drain-ms");
  check(pod.terminationGracePeriodSeconds * 1000 > Number(drain || 2000), "terminationGracePeriodSeconds exceeds --drain-ms");

  // The Job: its nodes are the StatefulSet's pods, at their stable names.
  const replicas = set.spec.replicas;
  const jobPod = job.spec.template.spec;
  const coordinator = jobPod.containers[0];
  const nodes = flagValues(coordinator.command, "--node");
  const wanted = [...Array(replicas).keys()].map((i) => `${set.metadata.name}-${i}`);
  const addresses = wanted.map((pod) => `${pod}.${service.metadata.name}:${port}`);
  check(
    JSON.stringify(nodes) === JSON.stringify(wanted.map((pod, i) => `${pod}=${addresses[i]}`)),
    `the Job's --node list is the ${replicas} replicas: ${nodes.join(" ")}`,
  );
  for (const place of flagValues(coordinator.command, "--place")) {
    check(wanted.includes(place.slice(place.indexOf("=") + 1)), `--place ${place} names a node`);
  }
  const waits = (jobPod.initContainers || []).map((c) => c.command.join(" ")).join(" ");
  for (const address of addresses) check(waits.includes(address), `the init container waits for ${address}`);
  check(jobPod.restartPolicy === "Never" && job.spec.backoffLimit === 0, "the Job runs once (its status is the verdict)");

  // The deck.
  const deckArg = coordinator.command[coordinator.command.indexOf("run") + 1];
  const mount = coordinator.volumeMounts.find((m) => deckArg.startsWith(`${m.mountPath}/`));
  const volume = mount && jobPod.volumes.find((v) => v.name === mount.name);
  check(volume?.configMap?.name === decks.metadata.name, `the deck ${deckArg} is read from the ConfigMap`);
  const file = deckArg.slice(deckArg.lastIndexOf("/") + 1);
  check(decks.data[file] !== undefined, `the ConfigMap has ${file}`);
  const example = path.join(root, "examples", file);
  check(fs.existsSync(example) && fs.readFileSync(example, "utf8") === decks.data[file], `the ConfigMap's ${file} is examples/${file}`);

  // TLS and the token: every flag names a file of a Secret mounted there,
  // and the nodes and the coordinator share the CA and the token.
  const secretFile = (spec, container, file) => {
    const mount = (container.volumeMounts || []).find((m) => file?.startsWith(`${m.mountPath}/`));
    const secret = mount && spec.volumes.find((v) => v.name === mount.name)?.secret;
    if (!secret) return undefined;
    const name = file.slice(mount.mountPath.length + 1);
    const item = secret.items ? secret.items.find((i) => i.path === name) : { key: name };
    return item && `${secret.secretName}/${item.key}`;
  };
  const secretsOf = (spec, container, words, flags) =>
    Object.fromEntries(flags.map((flag) => {
      const [file] = flagValues(words, flag);
      const from = secretFile(spec, container, file);
      check(from !== undefined, `${container.name}: ${flag} ${file} is a file of a mounted Secret`);
      return [flag, from];
    }));
  const tlsFlags = ["--tls-ca", "--tls-cert", "--tls-key", "--token-file"];
  const nodeSecrets = secretsOf(pod, node, command, tlsFlags);
  const jobSecrets = secretsOf(jobPod, coordinator, coordinator.command, tlsFlags);
  check(nodeSecrets["--tls-ca"] === jobSecrets["--tls-ca"], "the nodes and the coordinator trust the same CA");
  check(nodeSecrets["--token-file"] === jobSecrets["--token-file"], "the nodes and the coordinator share the token");
  check(nodeSecrets["--tls-cert"] !== jobSecrets["--tls-cert"], "the coordinator has a client certificate of its own");
  for (const init of jobPod.initContainers || []) {
    const words = init.command.join(" ").split(/[\s;]+/);
    const initSecrets = secretsOf(jobPod, init, words, tlsFlags);
    check(JSON.stringify(initSecrets) === JSON.stringify(jobSecrets), `${init.name} probes with the coordinator's credentials`);
  }

  // The optional chaos proxy: its proxies lead to the nodes.
  const chaos = find("Deployment").find((o) => o.metadata.name === "cardflow-chaos");
  const pods = [pod, jobPod];
  if (chaos) {
    const chaosPod = chaos.spec.template.spec;
    pods.push(chaosPod);
    const container = chaosPod.containers[0];
    const [config] = flagValues(container.command, "--config");
    const chaosMount = container.volumeMounts.find((m) => config?.startsWith(`${m.mountPath}/`));
    const configMapName = chaosPod.volumes.find((v) => v.name === chaosMount?.name)?.configMap?.name;
    const configMap = find("ConfigMap").find((o) => o.metadata.name === configMapName);
    check(configMap, `chaos --config ${config} comes from a ConfigMap`);
    const proxies = JSON.parse(configMap?.data?.[config.slice(config.lastIndexOf("/") + 1)] || "[]");
    const chaosService = find("Service").find((o) => o.metadata.name === chaos.metadata.name);
    const servicePorts = (chaosService?.spec.ports || []).map((p) => p.port);
    check(proxies.length === replicas, `chaos has one proxy per node (${proxies.length})`);
    for (const p of proxies) {
      check(addresses.includes(p.upstream), `chaos proxy ${p.name} leads to a node (${p.upstream})`);
      check(servicePorts.includes(portOf(p.listen)), `chaos proxy ${p.name} listens on a port of its Service`);
    }
    const [control] = flagValues(container.command, "--control");
    check(servicePorts.includes(portOf(control || "")), "the chaos API port is on its Service");
  }

  // Nobody is root.
  for (const spec of pods) {
    check(spec.securityContext?.runAsNonRoot === true && spec.securityContext.runAsUser > 0, "pods run as non-root");
    for (const c of [...spec.containers, ...(spec.initContainers || [])]) {
      check(c.securityContext?.allowPrivilegeEscalation === false, `${c.name}: no privilege escalation`);
    }
  }
}

// 5. Every --flag a container passes to a cardflow program is one that
//    program (or its subcommand) lists in --help: the schemas see only
//    strings. The programs are in $CARDFLOW_BIN; without it this is skipped
//    (kubernetes_test.sh sets it, and under CI=true insists on it).
function checkFlags(objects, bin) {
  const helps = new Map();
  const help = (program, sub) => {
    const key = `${program} ${sub || ""}`;
    if (!helps.has(key)) {
      const args = sub ? [sub, "--help"] : ["--help"];
      helps.set(key, execFileSync(path.join(bin, program), args, { encoding: "utf8" }));
    }
    return helps.get(key);
  };
  let checked = 0;
  for (const object of objects) {
    const spec = object.spec?.template?.spec;
    if (!spec) continue;
    for (const container of [...spec.containers, ...(spec.initContainers || [])]) {
      // A shell script's words, or the command itself.
      const words = container.command[0] === "sh"
        ? container.command.slice(2).join(" ").split(/[\s;]+/)
        : container.command;
      let program = null;
      let sub = null;
      words.forEach((word, i) => {
        if (/^cardflow-[a-z]+$/.test(word)) {
          program = word;
          sub = word === "cardflow-coordinator" ? words[i + 1] : null;
        } else if (program && word.startsWith("--")) {
          const flag = word.split("=")[0];
          const listed = new RegExp(`(^|[\\s,])${flag}(?=[\\s=,]|$)`, "m").test(help(program, sub));
          check(listed, `${object.kind}/${object.metadata.name} ${container.name}: ${program}${sub ? ` ${sub}` : ""} has no ${flag}`);
          checked += 1;
        } else if (["do", "done", "then", "else", "fi", "||", "&&", "|"].includes(word)) {
          program = null;  // the shell's next command
        }
      });
    }
  }
  return checked;
}

const objects = manifestPaths.flatMap((p) => parse(fs.readFileSync(p, "utf8")));
console.log(`kubernetes_manifests: ${objects.length} objects: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
for (const e of await schemaErrors(objects)) failures.push(`schema: ${e}`);
for (const e of typeErrors(objects)) failures.push(`types: ${e}`);
checkWiring(objects);
const bin = process.env.CARDFLOW_BIN;
if (bin) console.log(`kubernetes_manifests: ${checkFlags(objects, bin)} flags checked against the programs' --help`);

// The validators must reject a broken copy: a wrong type and a misspelt field.
const broken = structuredClone(objects);
const brokenSet = broken.find((o) => o.kind === "StatefulSet");
brokenSet.spec.replicas = "two";
brokenSet.spec.template.spec.containers[0].readinessProbe.periodSecondz = 2;
check((await schemaErrors(broken)).length > 0, "the schemas reject replicas: \"two\"");
check(typeErrors(broken).some((e) => e.includes("periodSecondz")), "the type check rejects a misspelt field");

if (failures.length) {
  console.error(`kubernetes_manifests: FAILED:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("kubernetes_manifests: PASSED (schemas, strict types, wiring)");
