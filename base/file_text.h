// ReadFileText: the whole text of a file, or why it cannot be read, in the
// words the programs print after "cannot read the ... file": the schedule
// file of `run --schedule`, the node list of `--nodes-file`.
//
// An ifstream "reads" a directory as an empty file; this says "it is a
// directory". Otherwise `why` is errno's words from opening or reading
// ("No such file or directory"), or empty when the system gave none.
// Thread-safe (errno is per thread). Reads the file whole: for small files.
#pragma once

#include <optional>
#include <string>

namespace cardflow {

struct FileText {
  std::optional<std::string> text;  // set when the file was read
  std::string why;                  // when not: the reason, or empty
};

FileText ReadFileText(const std::string& path);

}  // namespace cardflow
