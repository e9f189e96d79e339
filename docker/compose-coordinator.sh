#!/bin/sh
# The coordinator service of docker-compose.yml. Compose starts it once the
# nodes and the chaos proxy are healthy; it tells the demo across them, or
# runs one deck, prints the histograms and the verdict, leaves the pages of
# its runs in CARDFLOW_REPORTS (the volume `serve` serves), says where to
# open them, and exits with the coordinator's status (0 all runs met every
# expect, 1 some did not, 2 bad deck or arguments, 3 the cluster could not
# carry the runs).
#
#   CARDFLOW_NODES  the nodes, NAME=HOST:PORT separated by spaces
#                   (default: X=chaos:7001 Y=chaos:7002, both through chaos)
#   DECK            a deck file inside the container, e.g. /decks/ring.deck:
#                   `run DECK` instead of `demo`
#   DECK_ARGS       more arguments for `run`, e.g. "--ordering none --runs 500"
#   CARDFLOW_REPORTS   where the report sets go (`--reports`); unset: none
#   CARDFLOW_HTTP_PORT the host port the pages are published on (default 8080)
#
# Arguments to this script are added to the command.
set -eu

nodes=
for node in ${CARDFLOW_NODES:-X=chaos:7001 Y=chaos:7002}; do
  nodes="$nodes --node $node"
done

if [ -n "${DECK:-}" ] && [ ! -r "$DECK" ]; then
  echo "cardflow: DECK=$DECK is not a readable file in the container; put it in the" \
    "folder mounted at /decks (CARDFLOW_DECKS, default ./examples) and make it" \
    "readable by others (chmod o+r)" >&2
  exit 2
fi

# The coordinator as a child (not exec'd: the last lines are ours), with
# SIGTERM and SIGINT passed on so that `docker compose stop` and Ctrl-C end
# it as they would if it ran alone. stdout is a pipe to Compose, so the
# report would come out in one piece at the end; line-buffered, each part of
# the demo shows as it is done. stderr goes down the same pipe: Docker
# copies two pipes apart and may show one's last lines ("wrote ...") after
# the other's.
if [ -z "${DECK:-}" ]; then
  # shellcheck disable=SC2086 # $nodes is a list of words on purpose
  stdbuf -oL cardflow-coordinator demo $nodes "$@" 2>&1 &
else
  # shellcheck disable=SC2086 # $nodes and $DECK_ARGS are lists of words on purpose
  stdbuf -oL cardflow-coordinator run "$DECK" $nodes ${DECK_ARGS:-} "$@" 2>&1 &
fi
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true' TERM INT
status=0
wait "$child" || status=$?
# A signal ends `wait` early; the coordinator is still finishing its runs.
while kill -0 "$child" 2>/dev/null; do
  status=0
  wait "$child" || status=$?
done

# 0 and 1 are verdicts: the runs happened and their pages were written.
if [ -n "${CARDFLOW_REPORTS:-}" ] && [ "$status" -le 1 ]; then
  echo
  echo "The pages of these runs — step through them card by card, naive beside callbacks:"
  echo "  open http://localhost:${CARDFLOW_HTTP_PORT:-8080}"
fi
exit "$status"
