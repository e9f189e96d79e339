// cardflow-chaos driven by the unmodified npm toxiproxy-node-client.
//
//   NODE_PATH=DIR/node_modules node toxiproxy_client_test.js PATH/TO/cardflow-chaos
//
// (toxiproxy_client_test.sh installs the client and runs this.) Starts a
// loopback echo server and cardflow-chaos (control API on a free port, no
// proxies), then, only through the client: creates a proxy to the echo
// server; adds, updates and removes latency; reset_peer, timeout,
// limit_data and slow_close; disables and enables the proxy; populates;
// resets; reads the version; deletes. Each step is checked by its effect
// on real TCP connections through the proxy: round trips timed, resets and
// refusals seen, bytes counted. Exit 0 when every check holds, else 1 with
// what failed and the proxy's log.
"use strict";

const net = require("net");
const { spawn } = require("child_process");
const { Toxiproxy, ToxiproxyError } = require("toxiproxy-node-client");

// Timing bounds: a delay must be at least what was asked, and at most this
// much more (a loaded 2-core CI machine runs other tests beside this one).
const SLACK_MS = 400;

const chaosBinary = process.argv[2];
let chaosLog = "";

function fail(message) {
  throw new Error(message);
}
function check(condition, message) {
  if (!condition) fail(message);
}
function step(name) {
  console.log(`chaos_toxiproxy_client: ${name}`);
}

function startEcho() {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      socket.on("error", () => {});
      socket.pipe(socket);
    });
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

// cardflow-chaos with its API on a free port; resolves once it says it
// serves (its own `control listening on` line: no sleeping).
function startChaos() {
  return new Promise((resolve, reject) => {
    const child = spawn(chaosBinary, ["--control", "127.0.0.1:0", "--seed", "1"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`cardflow-chaos did not start:\n${chaosLog}`)), 10000);
    child.stderr.on("data", (d) => (chaosLog += d));
    child.stdout.on("data", (d) => {
      out += d;
      const match = /control listening on (\S+):(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: `http://${match[1]}:${match[2]}` });
      }
    });
    child.on("exit", (code) => reject(new Error(`cardflow-chaos exited with ${code}:\n${chaosLog}`)));
  });
}

function hostPort(listen) {
  const colon = listen.lastIndexOf(":");
  return { host: listen.slice(0, colon).replace(/^\[|\]$/g, ""), port: Number(listen.slice(colon + 1)) };
}

// A client connection through `listen`; rejects with the OS error (e.g.
// ECONNREFUSED).
function connect(listen) {
  const { host, port } = hostPort(listen);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    socket.once("connect", () => {
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

// Everything the socket sees from now on, with how and when it ended.
function watch(socket) {
  const seen = { data: Buffer.alloc(0), end: null, at: null, start: Date.now(), waiters: [] };
  const settle = () => seen.waiters.splice(0).forEach((w) => w());
  socket.on("data", (d) => {
    seen.data = Buffer.concat([seen.data, d]);
    settle();
  });
  socket.on("end", () => {
    seen.end = seen.end || "eof";
    seen.at = seen.at || Date.now();
    settle();
  });
  socket.on("error", (e) => {
    seen.end = e.code === "ECONNRESET" ? "reset" : e.code;
    seen.at = Date.now();
    settle();
  });
  socket.on("close", () => {
    seen.end = seen.end || "closed";
    seen.at = seen.at || Date.now();
    settle();
  });
  // Resolves when `done(seen)` holds or after `timeoutMs` (then false).
  seen.until = (done, timeoutMs) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const test = () => {
        if (done(seen)) {
          clearTimeout(timer);
          resolve(true);
        } else {
          seen.waiters.push(test);
        }
      };
      test();
    });
  return seen;
}

// Sends `message` and times its echo (ms); fails if it does not come back.
async function roundTrip(socket, seen, message) {
  const before = seen.data.length;
  const start = Date.now();
  socket.write(message);
  const ok = await seen.until((s) => s.data.length >= before + message.length, 10000);
  check(ok, `no echo of '${message}' (ended: ${seen.end})`);
  check(seen.data.subarray(before).toString() === message, `the echo of '${message}' differs`);
  return Date.now() - start;
}

async function openThrough(listen) {
  const socket = await connect(listen);
  return { socket, seen: watch(socket) };
}

function between(ms, lo, hi, what) {
  check(ms >= lo && ms <= hi, `${what}: ${ms} ms, expected ${lo}..${hi} ms`);
}

async function expectRefused(listen, what) {
  try {
    const socket = await connect(listen);
    socket.destroy();
  } catch (e) {
    check(e.code === "ECONNREFUSED", `${what}: ${e.code}, expected ECONNREFUSED`);
    return;
  }
  fail(`${what}: the connection was accepted`);
}

async function main() {
  const echo = await startEcho();
  const upstream = `127.0.0.1:${echo.address().port}`;
  const chaos = await startChaos();
  try {
    const toxiproxy = new Toxiproxy(chaos.url);

    step("version");
    const version = JSON.parse(await toxiproxy.getVersion());
    check(typeof version.version === "string" && version.version.length > 0, `version: ${JSON.stringify(version)}`);

    step("create a proxy");
    let proxy = await toxiproxy.createProxy({ name: "echo", listen: "127.0.0.1:0", upstream });
    check(proxy.name === "echo" && proxy.upstream === upstream, `created: ${JSON.stringify(proxy.toJson())}`);
    check(hostPort(proxy.listen).port > 0, `listen has no port: ${proxy.listen}`);
    const listen = proxy.listen;
    let { socket, seen } = await openThrough(listen);
    const clean = await roundTrip(socket, seen, "hello");
    check(clean < SLACK_MS, `a round trip without toxics took ${clean} ms`);
    const all = await toxiproxy.getAll();
    check(Object.keys(all).join() === "echo", `getAll: ${Object.keys(all)}`);

    step("latency: add, update, remove");
    const latency = await proxy.addToxic({ type: "latency", attributes: { latency: 300, jitter: 0 } });
    check(latency.name === "latency_downstream" && latency.stream === "downstream", `toxic: ${JSON.stringify(latency.toJson())}`);
    between(await roundTrip(socket, seen, "slow"), 300, 300 + SLACK_MS, "round trip with 300 ms latency");
    // The client posts the whole toxic back, name, type and stream included.
    const updated = await latency.update({ ...latency.toJson(), attributes: { latency: 100, jitter: 0 } });
    check(updated.attributes.latency === 100, `updated: ${JSON.stringify(updated.toJson())}`);
    const fetched = await proxy.getToxic("latency_downstream");
    check(fetched.attributes.latency === 100, `getToxic: ${JSON.stringify(fetched.toJson())}`);
    between(await roundTrip(socket, seen, "less"), 100, 100 + SLACK_MS, "round trip with 100 ms latency");
    await updated.remove();
    check((await roundTrip(socket, seen, "fast")) < 100, "the latency outlived its removal");
    try {
      await proxy.getToxic("latency_downstream");
      fail("a removed toxic is still there");
    } catch (e) {
      check(e instanceof ToxiproxyError && /404/.test(e.message), `getToxic after remove: ${e.message}`);
    }

    step("reset_peer: the clock starts at the first data");
    const reset = await proxy.addToxic({ type: "reset_peer", attributes: { timeout: 300 } });
    ({ socket, seen } = await openThrough(listen));
    check(!(await seen.until((s) => s.end, 400)), `reset before any data: ${seen.end}`);
    let start = Date.now();
    socket.write("reset me");
    check(await seen.until((s) => s.end, 5000), "no reset came");
    check(seen.end === "reset", `the connection ended with ${seen.end}, not a reset`);
    check(seen.data.length === 0, `${seen.data.length} bytes arrived before the reset`);
    between(seen.at - start, 300, 300 + SLACK_MS, "reset after the first data");
    await reset.remove();

    step("timeout: a blackhole until removed, which closes the connection");
    const hole = await proxy.addToxic({ name: "hole", type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
    ({ socket, seen } = await openThrough(listen));
    socket.write("into the hole");
    check(!(await seen.until((s) => s.data.length > 0 || s.end, 500)), "data or an end came through the blackhole");
    start = Date.now();
    await hole.remove();
    check(await seen.until((s) => s.end, 5000), "removing the timeout toxic did not close the connection");
    check(seen.end === "eof" && seen.data.length === 0, `after removal: ${seen.end}, ${seen.data.length} bytes`);
    check(Date.now() - start < SLACK_MS, "the close came late");
    const bounded = await proxy.addToxic({ type: "timeout", attributes: { timeout: 250 } });
    start = Date.now();
    ({ socket, seen } = await openThrough(listen));
    socket.write("unanswered");
    check(await seen.until((s) => s.end, 5000), "timeout 250 did not close the connection");
    between(seen.at - start, 250, 250 + SLACK_MS, "timeout 250 closed");
    check(seen.data.length === 0, "data came through a timeout toxic");
    await bounded.remove();

    step("limit_data: bytes cut at the limit");
    const limit = await proxy.addToxic({ type: "limit_data", attributes: { bytes: 1000 } });
    ({ socket, seen } = await openThrough(listen));
    const payload = Buffer.alloc(3000, "abcdefghij");
    socket.write(payload);
    check(await seen.until((s) => s.end, 5000), "limit_data did not close the connection");
    check(seen.end === "eof", `limit_data ended with ${seen.end}`);
    check(seen.data.equals(payload.subarray(0, 1000)), `limit_data let ${seen.data.length} bytes through, not 1000`);
    await limit.remove();

    step("slow_close: the end is delayed, the data is not");
    const slow = await proxy.addToxic({ type: "slow_close", attributes: { delay: 400 } });
    ({ socket, seen } = await openThrough(listen));
    check((await roundTrip(socket, seen, "prompt")) < SLACK_MS, "slow_close delayed data");
    start = Date.now();
    socket.end();
    check(await seen.until((s) => s.end, 5000), "no end came");
    between(seen.at - start, 400, 400 + SLACK_MS, "the end through slow_close");
    await slow.remove();

    step("disable and enable");
    ({ socket, seen } = await openThrough(listen));
    proxy = await proxy.update({ enabled: false });
    check(proxy.enabled === false, "update did not disable");
    check(await seen.until((s) => s.end, 5000), "disabling did not close the open connection");
    await expectRefused(listen, "a disabled proxy");
    proxy = await proxy.update({ enabled: true });
    check(proxy.enabled === true && proxy.listen === listen, `re-enabled: ${JSON.stringify(proxy.toJson())}`);
    ({ socket, seen } = await openThrough(listen));
    await roundTrip(socket, seen, "back");

    step("populate");
    const populated = await toxiproxy.populate([
      { name: "echo", listen, upstream },
      { name: "second", listen: "127.0.0.1:0", upstream },
    ]);
    check(Object.keys(populated).sort().join() === "echo,second", `populated: ${Object.keys(populated)}`);
    check(populated.echo.listen === listen, "populate replaced an unchanged proxy");
    await roundTrip(socket, seen, "kept open");  // the unchanged proxy kept its connection
    const second = await openThrough(populated.second.listen);
    await roundTrip(second.socket, second.seen, "through the second");

    step("reset");
    await (await toxiproxy.get("second")).addToxic({ type: "latency", attributes: { latency: 500 } });
    await populated.second.update({ enabled: false });
    await toxiproxy.reset();
    const afterReset = await toxiproxy.get("second");
    check(afterReset.enabled === true, "reset did not enable the proxy");
    const third = await openThrough(afterReset.listen);
    check((await roundTrip(third.socket, third.seen, "no latency")) < SLACK_MS, "reset left the latency");

    step("delete");
    await afterReset.remove();
    await expectRefused(afterReset.listen, "a deleted proxy");
    check(Object.keys(await toxiproxy.getAll()).join() === "echo", "the deleted proxy is still listed");
    try {
      await toxiproxy.get("second");
      fail("a deleted proxy is still there");
    } catch (e) {
      check(e instanceof ToxiproxyError && /404/.test(e.message), `get after delete: ${e.message}`);
    }
    for (const s of [socket, second.socket, third.socket]) s.destroy();
    console.log("chaos_toxiproxy_client: PASSED");
  } finally {
    chaos.child.kill("SIGTERM");
    echo.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`chaos_toxiproxy_client: FAILED: ${e.message}\n--- cardflow-chaos log ---\n${chaosLog}`);
    process.exit(1);
  },
);
