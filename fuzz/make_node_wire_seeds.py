#!/usr/bin/env python3
"""Writes the seed corpus of node_wire_fuzzer (fuzz/corpus/node_wire/).

Each seed is a conversation with one node, in the fuzzer's framing: messages
separated by "#MSG#", each a kind byte ('R' RunControl, 'C' CallbackBatch)
followed by the message's protobuf bytes, encoded from text by
`protoc --encode` against proto/cardflow.proto. Run it from the repository
root after cardflow.proto changes: python3 fuzz/make_node_wire_seeds.py
"""
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus" / "node_wire"
SEP = b"#MSG#"


def encode(message, text):
    return subprocess.run(
        ["protoc", "--proto_path=" + str(ROOT / "proto"), "--encode=cardflow.wire." + message,
         "cardflow.proto"], input=text.encode(), capture_output=True, check=True).stdout


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def R(text):
    return b"R" + encode("RunControl", text)


def C(text):
    return b"C" + encode("CallbackBatch", text)


def assign(deck, routes, node="X", ordering="ORDERING_CALLBACKS", run=7):
    text = (ROOT / "examples" / deck).read_text()
    rs = " ".join("routes { stack: %s node: %s address: %s }" % (quote(s), quote(n), quote(a))
                  for s, n, a in routes)
    return ("protocol: 1 assign { run_id: %d node: %s deck_name: %s deck_text: %s ordering: %s %s "
            "seed: 1 }" % (run, quote(node), quote(deck), quote(text), ordering, rs))


BOTH = [("A", "X", "127.0.0.1:1"), ("B", "X", "127.0.0.1:1")]
SPLIT = [("A", "Y", "127.0.0.1:2"), ("B", "X", "127.0.0.1:1")]
SEEDS = {
    # Both stacks here: start, then the table's answers to A's and B's reads and writes.
    "transfer_local": [
        R(assign("transfer.deck", BOTH)), R("protocol: 1 start: true"),
        R("protocol: 1 table { stack: 0 pc: 0 value: 100 lamport: 1 }"),
        R("protocol: 1 table { stack: 0 pc: 2 value: 150 lamport: 2 }"),
        R("protocol: 1 table { stack: 1 pc: 1 value: 150 lamport: 3 } "
          "table { stack: 1 pc: 3 value: 300 lamport: 4 }")],
    # B here, A on Y: A's callback arrives from Y; one for another run is dropped.
    "transfer_receiver": [
        R(assign("transfer.deck", SPLIT)), R("protocol: 1 start: true"),
        C('protocol: 1 batch: 1 sender: "Y" callbacks { run_id: 7 channel: 0 seq: 1 lamport: 5 }'),
        R("protocol: 1 table { stack: 1 pc: 1 value: 150 lamport: 6 }"),
        C("protocol: 1 batch: 2 callbacks { run_id: 7 channel: 0 seq: 2 lamport: 7 } "
          "callbacks { run_id: 9 channel: 0 seq: 1 }"),
        R("protocol: 1 cancel: true")],
    # A here, B on Y: A's notify needs a peer stream.
    "transfer_sender": [R(assign("transfer.deck", SPLIT, node="Y")), R("protocol: 1 start: true")],
    # Y died: its stack A comes here.
    "transfer_reroute": [
        R(assign("transfer.deck", SPLIT)),
        R('protocol: 1 reroute { routes { stack: "A" node: "X" address: "127.0.0.1:1" } '
          'routes { stack: "B" node: "X" address: "127.0.0.1:1" } } start: true'),
        R("protocol: 1 table { stack: 0 pc: 0 value: 100 }")],
    "ping_pong_none": [
        R(assign("ping_pong.deck", [("Ping", "X", "127.0.0.1:1"), ("Pong", "X", "127.0.0.1:1")],
                 ordering="ORDERING_NONE")),
        R("protocol: 1 start: true"),
        R("protocol: 1 table { stack: 0 pc: 0 value: 0 } table { stack: 1 pc: 0 value: 1 }")],
    "store_buffering_start_twice": [
        R(assign("store_buffering.deck", BOTH)), R("protocol: 1 start: true"),
        R("protocol: 1 start: true table { stack: 0 pc: 0 } table { stack: 1 pc: 0 }")],
    # Refusals: no protocol, no assign first, another version, batches out of
    # order, two assigns, routes that do not fit the deck, bytes that do not parse.
    "no_protocol": [R("assign { run_id: 1 }")],
    "start_first": [R("protocol: 1 start: true")],
    "other_version": [R("protocol: 2 start: true")],
    "batch_out_of_order": [C("protocol: 1 batch: 2 callbacks { run_id: 1 }")],
    "two_assigns": [R(assign("transfer.deck", BOTH)), R(assign("transfer.deck", BOTH))],
    "bad_routes": [R(assign("transfer.deck", [("B", "X", "a"), ("A", "X", "b")]))],
    "garbage": [b"R\xff\xff\xff\xff\x0f"],
}

OUT.mkdir(parents=True, exist_ok=True)
for name, messages in SEEDS.items():
    (OUT / name).write_bytes(SEP.join(messages))
print(f"wrote {len(SEEDS)} seeds to {OUT.relative_to(ROOT)}")
