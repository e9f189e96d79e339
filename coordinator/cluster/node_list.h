// The coordinator's node list: from a file (`--nodes-file FILE`) as well as
// from `--node NAME=HOST:PORT` flags. The file holds one node a line, as the
// flag writes it:
//
//   # the LAN cluster (docs/lan.md)
//   X=10.0.0.2:7001
//   Y=10.0.0.3:7001   # behind NAT: the address it advertises
//
// `#` starts a comment that runs to the end of the line; blank lines and
// white space around an entry are ignored; a name may appear once (in the
// file and the --node flags together). The
// order of the lines is the order of the nodes (round-robin placement
// follows it). Plain functions of their inputs: any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "coordinator/cluster/cluster_options.h"

namespace cardflow {

// The nodes `text` lists. `file` names it in errors: INVALID_ARGUMENT
// "FILE:LINE: ..." for a line that is not NAME=HOST:PORT and for a name
// given twice, and "FILE: no nodes" for a list without any. (Two names at
// one address are allowed, as with --node.)
StatusOr<std::vector<NodeAddress>> ParseNodeList(std::string_view text, const std::string& file);

// ParseNodeList of the file at `path`; INVALID_ARGUMENT when it cannot be read.
StatusOr<std::vector<NodeAddress>> ReadNodeListFile(const std::string& path);

// The file's nodes, then the flags' (each list in its order).
// INVALID_ARGUMENT when a name is given twice (in both, or twice by flags).
StatusOr<std::vector<NodeAddress>> MergeNodeLists(const std::vector<NodeAddress>& from_file,
                                                  const std::string& file,
                                                  const std::vector<NodeAddress>& from_flags);

}  // namespace cardflow
