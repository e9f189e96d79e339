#!/usr/bin/env bash
# Makes a development CA, certificates and a shared token for cardflow's TLS
# and token flags (docs/lan.md), with openssl:
#
#   scripts/make-dev-certs.sh OUTDIR [NAME...]
#
#   OUTDIR/ca.pem, ca.key          the CA (--tls-ca everywhere)
#   OUTDIR/node.pem, node.key      every node's certificate (--tls-cert/--tls-key
#                                  on cardflow-node); good for serving and, as
#                                  a node calls other nodes, as a client. Made
#                                  out to each NAME (host names or IP
#                                  addresses the nodes are reached at), plus
#                                  localhost and 127.0.0.1.
#   OUTDIR/client.pem, client.key  the coordinator's and probe's client
#                                  certificate (mutual TLS)
#   OUTDIR/token                   a random shared token (--token-file)
#
# Idempotent: a file that exists is kept, so running it again changes
# nothing. Only node.pem is made again when the NAMEs differ from those it
# was made for, and every certificate when the CA was made anew. It says
# what it made and what it kept. Keys and the token are readable by their
# owner only, in a folder only the owner may enter (chmod them for a
# container that runs as another user).
# For development and trials only: the CA key sits beside the certificates.
set -euo pipefail

if [ $# -lt 1 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  echo "usage: $0 OUTDIR [NAME...]   (NAME: a node's host name or IP address)" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "make-dev-certs: openssl is not installed" >&2; exit 1; }

out=$1
shift
mkdir -p "$out"
chmod 700 "$out"
umask 077

days=825
# The node certificate's subjectAltName: the names given, localhost, 127.0.0.1.
san="DNS:localhost,IP:127.0.0.1"
for name in "$@"; do
  if [[ $name =~ ^[0-9]+(\.[0-9]+){3}$ || $name == *:* ]]; then
    entry="IP:$name"
  else
    entry="DNS:$name"
  fi
  case ",$san," in *",$entry,"*) ;; *) san="$san,$entry" ;; esac
done

made=()
kept=()

new_key() {  # FILE: an EC P-256 key, quick to make and accepted by gRPC
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# CA
remake_leaves=false
if [ -s "$out/ca.pem" ] && [ -s "$out/ca.key" ]; then
  kept+=(ca.pem)
else
  new_key "$out/ca.key"
  openssl req -x509 -new -key "$out/ca.key" -sha256 -days 3650 -subj "/CN=cardflow dev CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$out/ca.pem" 2>/dev/null
  chmod 644 "$out/ca.pem"
  made+=(ca.pem ca.key)
  remake_leaves=true
fi

# leaf NAME CN EXTENSIONS: NAME.pem and NAME.key signed by the CA.
leaf() {
  local name=$1 cn=$2 extensions=$3
  local ext
  ext=$(mktemp)
  printf '%s\n' "$extensions" >"$ext"
  new_key "$out/$name.key"
  openssl req -new -key "$out/$name.key" -subj "/CN=$cn" -out "$out/$name.csr" 2>/dev/null
  openssl x509 -req -in "$out/$name.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" \
    -CAcreateserial -days "$days" -sha256 -extfile "$ext" -out "$out/$name.pem" 2>/dev/null
  rm -f "$out/$name.csr" "$ext"
  chmod 644 "$out/$name.pem"
  made+=("$name.pem" "$name.key")
}

node_ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$san"
if ! $remake_leaves && [ -s "$out/node.pem" ] && [ -s "$out/node.key" ] &&
  [ "$(cat "$out/node.san" 2>/dev/null)" = "$san" ]; then
  kept+=(node.pem)
else
  leaf node cardflow-node "$node_ext"
  printf '%s\n' "$san" >"$out/node.san"
fi

client_ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
if ! $remake_leaves && [ -s "$out/client.pem" ] && [ -s "$out/client.key" ]; then
  kept+=(client.pem)
else
  leaf client cardflow-coordinator "$client_ext"
fi

if [ -s "$out/token" ]; then
  kept+=(token)
else
  openssl rand -hex 32 >"$out/token"
  made+=(token)
fi

if [ ${#made[@]} -gt 0 ]; then
  echo "make-dev-certs: made ${made[*]} in $out"
fi
if [ ${#kept[@]} -gt 0 ]; then
  echo "make-dev-certs: kept ${kept[*]} in $out (already there)"
fi
echo "make-dev-certs: node certificate names: ${san//,/, }"
