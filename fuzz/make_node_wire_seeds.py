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


def escape(data):
    return '"' + "".join("\\%03o" % c for c in data) + '"'


# transfer.deck as NodePrograms (proto/program_wire.h): A = stack 0, B = 1,
# channel 0 from A to B; nodes X (#0) and Y (#1). Ops: kAdd 1, kMul 3,
# kRead 8, kWrite 9, kNotify 10, kAwait 11.
CODE = {
    "A": 'registers: 1 code { op: 8 has_reg: true reg: 0 var: 0 } code { op: 1 has_reg: true '
         'literal: 50 } code { op: 9 value_is_register: true value_reg: 0 var: 0 } '
         'code { op: 10 peer: 1 channel: 0 }',
    "B": 'registers: 1 code { op: 11 peer: 0 channel: 0 } code { op: 8 has_reg: true var: 0 } '
         'code { op: 3 has_reg: true literal: 2 } code { op: 9 value_is_register: true var: 0 }',
}
IDS = {"A": 0, "B": 1}


def program_text(on, self=0, stacks=("A", "B")):
    """NodeProgram (text) for node #self when stack S runs on node on[S]."""
    text = ('deck_name: "transfer.deck" deck_stacks: 2 deck_channels: 1 shared: 1 '
            'nodes { name: "X" address: "127.0.0.1:1" } nodes { name: "Y" address: "127.0.0.1:2" } '
            'self: %d ' % self)
    for s in stacks:
        text += 'stacks { stack: %d name: "%s" node: %d %s } ' % (
            IDS[s], s, on[s], CODE[s] if on[s] == self else "")
    return text + "channels { channel: 0 from: 0 to: 1 }"


def program(on, self=0):
    return encode("NodeProgram", program_text(on, self))


def assign(on, self=0, ordering="ORDERING_CALLBACKS", run=7):
    return ("protocol: 2 assign { run_id: %d deck_name: \"transfer.deck\" ordering: %s seed: 1 "
            "program: %s }" % (run, ordering, escape(program(on, self))))


BOTH = {"A": 0, "B": 0}
SPLIT = {"A": 1, "B": 0}
SEEDS = {
    # Both stacks here: start, then the table's answers to A's and B's reads and writes.
    "transfer_local": [
        R(assign(BOTH)), R("protocol: 2 start: true"),
        R("protocol: 2 table { stack: 0 pc: 0 value: 100 lamport: 1 }"),
        R("protocol: 2 table { stack: 0 pc: 2 value: 150 lamport: 2 }"),
        R("protocol: 2 table { stack: 1 pc: 1 value: 150 lamport: 3 } "
          "table { stack: 1 pc: 3 value: 300 lamport: 4 }")],
    # B here, A on Y: A's callback arrives from Y; one for another run is dropped.
    "transfer_receiver": [
        R(assign(SPLIT)), R("protocol: 2 start: true"),
        C('protocol: 2 batch: 1 sender: "Y" callbacks { run_id: 7 channel: 0 seq: 1 lamport: 5 }'),
        R("protocol: 2 table { stack: 1 pc: 1 value: 150 lamport: 6 }"),
        C("protocol: 2 batch: 2 callbacks { run_id: 7 channel: 0 seq: 2 lamport: 7 } "
          "callbacks { run_id: 9 channel: 0 seq: 1 }"),
        R("protocol: 2 cancel: true")],
    # A here (this node is Y), B on X: A's notify needs a peer stream.
    "transfer_sender": [R(assign(SPLIT, self=1)), R("protocol: 2 start: true")],
    # Y died: its stack A comes here, with its code.
    "transfer_reroute": [
        R(assign(SPLIT)),
        R("protocol: 2 reroute { moves { stack: 0 node: 0 } adopted { %s } } start: true"
          % program_text({"A": 0, "B": 0}, stacks=("A",))),
        R("protocol: 2 table { stack: 0 pc: 0 value: 100 }")],
    "transfer_none": [
        R(assign(BOTH, ordering="ORDERING_NONE")), R("protocol: 2 start: true"),
        R("protocol: 2 table { stack: 0 pc: 0 value: 0 } table { stack: 1 pc: 0 value: 1 }")],
    "transfer_start_twice": [
        R(assign(BOTH)), R("protocol: 2 start: true"),
        R("protocol: 2 start: true table { stack: 0 pc: 0 } table { stack: 1 pc: 0 }")],
    # Refusals: no protocol, no assign first, another version, batches out of
    # order, two assigns, a program for no stack of this node, a key only,
    # bytes that do not parse.
    "no_protocol": [R("assign { run_id: 1 }")],
    "start_first": [R("protocol: 2 start: true")],
    "other_version": [R("protocol: 3 start: true")],
    "batch_out_of_order": [C("protocol: 2 batch: 2 callbacks { run_id: 1 }")],
    "two_assigns": [R(assign(BOTH)), R(assign(BOTH))],
    "no_stack_here": [R(assign({"A": 1, "B": 1}))],
    "key_only": [R('protocol: 2 assign { run_id: 7 program_key: "0123456789abcdef0123456789abcdef" }')],
    "garbage": [b"R\xff\xff\xff\xff\x0f"],
}

OUT.mkdir(parents=True, exist_ok=True)
for name, messages in SEEDS.items():
    (OUT / name).write_bytes(SEP.join(messages))
print(f"wrote {len(SEEDS)} seeds to {OUT.relative_to(ROOT)}")
