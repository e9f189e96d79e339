#!/bin/sh
# The coordinator service of docker-compose.yml. Compose starts it once the
# nodes and the chaos proxy are healthy; it tells the demo across them, or
# runs one deck, prints the histograms and the verdict, and exits with the
# coordinator's status (0 all runs met every expect, 1 some did not, 2 bad
# deck or arguments, 3 the cluster could not carry the runs).
#
#   CARDFLOW_NODES  the nodes, NAME=HOST:PORT separated by spaces
#                   (default: X=chaos:7001 Y=chaos:7002, both through chaos)
#   DECK            a deck file inside the container, e.g. /decks/ring.deck:
#                   `run DECK` instead of `demo`
#   DECK_ARGS       more arguments for `run`, e.g. "--ordering none --runs 500"
#
# Arguments to this script are added to the command.
set -eu

nodes=
for node in ${CARDFLOW_NODES:-X=chaos:7001 Y=chaos:7002}; do
  nodes="$nodes --node $node"
done

# stdout is a pipe to Compose, so the report would come out in one piece at
# the end; line-buffered, each part of the demo shows as it is done.
if [ -z "${DECK:-}" ]; then
  # shellcheck disable=SC2086 # $nodes is a list of words on purpose
  exec stdbuf -oL cardflow-coordinator demo $nodes "$@"
fi
if [ ! -r "$DECK" ]; then
  echo "cardflow: DECK=$DECK is not a readable file in the container; put it in the" \
    "folder mounted at /decks (CARDFLOW_DECKS, default ./examples) and make it" \
    "readable by others (chmod o+r)" >&2
  exit 2
fi
# shellcheck disable=SC2086 # $nodes and $DECK_ARGS are lists of words on purpose
exec stdbuf -oL cardflow-coordinator run "$DECK" $nodes ${DECK_ARGS:-} "$@"
