// ReportFolder: a directory of run reports that `run --reports DIR` and
// `demo --reports DIR` write and `serve` serves.
//
// A folder holds report *sets*. A set is the files of one stem:
//
//   20260518-120102-123-transfer-none.html        the HTML page (--report)
//   20260518-120102-123-transfer-none.json        the JSON report (--format json)
//   20260518-120102-123-transfer-none.trace.json  the Chrome trace (--trace)
//   20260518-120102-123-transfer-none.shiviz.log  a ShiViz log (--shiviz)
//
// Any file of those four kinds counts, whoever wrote it (`run --report
// DIR/mine.html` makes a set "mine"); other files, and names starting with a
// dot (files being written), are ignored. A JSON report holds one report
// object, or an array of them for a page of several sections (demo).
//
// Sets are listed newest first: by the latest modification time of their
// files, then by stem, descending. Writers stamp stems with the UTC time, so
// names sort by age too.
//
// Thread-safety: a ReportFolder is immutable; its methods may be called from
// any thread, and by several processes at once (each file appears whole:
// written under a dot-name, then renamed).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"

namespace cardflow {

enum class ReportFileKind { kHtml, kJson, kTrace, kShiviz };
inline constexpr ReportFileKind kReportFileKinds[] = {
    ReportFileKind::kHtml, ReportFileKind::kJson, ReportFileKind::kTrace, ReportFileKind::kShiviz};

// ".html", ".json", ".trace.json", ".shiviz.log".
std::string_view ReportFileSuffix(ReportFileKind kind);
// "text/html; charset=utf-8" and so on: what a server sends it as.
std::string_view ReportFileContentType(ReportFileKind kind);
// "page", "JSON", "trace", "ShiViz": a link's text.
std::string_view ReportFileLabel(ReportFileKind kind);

// The kind and stem of a file name, or nullopt when it is no report file
// (or names a hidden file, or holds a '/').
struct ReportFileName {
  ReportFileKind kind;
  std::string stem;
};
std::optional<ReportFileName> ParseReportFileName(std::string_view name);

struct ReportSet {
  std::string stem;
  std::filesystem::file_time_type modified;  // latest of its files
  std::optional<std::string> files[4];       // file name by ReportFileKind; absent: none

  const std::optional<std::string>& file(ReportFileKind kind) const {
    return files[static_cast<int>(kind)];
  }
};

// The default folder of `serve` (and the one the documentation uses), relative
// to the working directory.
inline constexpr char kDefaultReportsDir[] = "cardflow-reports";

class ReportFolder {
 public:
  explicit ReportFolder(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }

  // Creates the directory (and its parents) if missing. UNAVAILABLE naming
  // it when it cannot be made.
  Status Create() const;

  // Every set, newest first. UNAVAILABLE when the directory cannot be read
  // (a missing directory is an empty folder).
  StatusOr<std::vector<ReportSet>> List() const;

  // The path of report file `name` in this folder: NOT_FOUND unless `name`
  // is a report file name (ParseReportFileName) of a regular file directly
  // in the directory — so no request can reach outside it.
  StatusOr<std::filesystem::path> Resolve(std::string_view name) const;

  // A stem no set in the folder has yet: "<UTC time>-<label>", with the
  // label reduced to [A-Za-z0-9._-], and "-2", "-3", ... when taken.
  std::string NewStem(std::string_view label, std::chrono::system_clock::time_point now =
                                                  std::chrono::system_clock::now()) const;

  // Writes `text` as the `kind` file of set `stem`, replacing one that is
  // there; readers see the old file or the new one, never a part.
  // UNAVAILABLE naming the path when it cannot be written.
  Status Write(std::string_view stem, ReportFileKind kind, std::string_view text) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace cardflow
