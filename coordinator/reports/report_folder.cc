#include "coordinator/reports/report_folder.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <system_error>

namespace cardflow {

namespace fs = std::filesystem;

std::string_view ReportFileSuffix(ReportFileKind kind) {
  switch (kind) {
    case ReportFileKind::kHtml:
      return ".html";
    case ReportFileKind::kJson:
      return ".json";
    case ReportFileKind::kTrace:
      return ".trace.json";
    case ReportFileKind::kShiviz:
      return ".shiviz.log";
  }
  return "";
}

std::string_view ReportFileContentType(ReportFileKind kind) {
  switch (kind) {
    case ReportFileKind::kHtml:
      return "text/html; charset=utf-8";
    case ReportFileKind::kJson:
    case ReportFileKind::kTrace:
      return "application/json";
    case ReportFileKind::kShiviz:
      return "text/plain; charset=utf-8";
  }
  return "application/octet-stream";
}

std::string_view ReportFileLabel(ReportFileKind kind) {
  switch (kind) {
    case ReportFileKind::kHtml:
      return "page";
    case ReportFileKind::kJson:
      return "JSON";
    case ReportFileKind::kTrace:
      return "trace";
    case ReportFileKind::kShiviz:
      return "ShiViz";
  }
  return "";
}

std::optional<ReportFileName> ParseReportFileName(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  // The longer suffixes first: "x.trace.json" is a trace, not a JSON report.
  for (ReportFileKind kind : {ReportFileKind::kTrace, ReportFileKind::kShiviz,
                              ReportFileKind::kHtml, ReportFileKind::kJson}) {
    const std::string_view suffix = ReportFileSuffix(kind);
    if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
      return ReportFileName{kind, std::string(name.substr(0, name.size() - suffix.size()))};
    }
  }
  return std::nullopt;
}

Status ReportFolder::Create() const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_)) {
    return UnavailableError(fmt::format("cannot make the reports folder {}: {}", dir_.string(),
                                        ec ? ec.message() : "not a directory"));
  }
  return Status::Ok();
}

StatusOr<std::vector<ReportSet>> ReportFolder::List() const {
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return std::vector<ReportSet>{};
  fs::directory_iterator it(dir_, ec);
  if (ec) {
    return UnavailableError(
        fmt::format("cannot read the reports folder {}: {}", dir_.string(), ec.message()));
  }
  std::map<std::string, ReportSet> sets;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const std::string name = it->path().filename().string();
    const std::optional<ReportFileName> parsed = ParseReportFileName(name);
    if (!parsed || !fs::is_regular_file(it->symlink_status(ec))) continue;
    const fs::file_time_type modified = it->last_write_time(ec);
    if (ec) continue;  // removed meanwhile
    ReportSet& set = sets[parsed->stem];
    if (set.stem.empty() || modified > set.modified) set.modified = modified;
    set.stem = parsed->stem;
    set.files[static_cast<int>(parsed->kind)] = name;
  }
  std::vector<ReportSet> out;
  out.reserve(sets.size());
  for (auto& [stem, set] : sets) out.push_back(std::move(set));
  std::sort(out.begin(), out.end(), [](const ReportSet& a, const ReportSet& b) {
    if (a.modified != b.modified) return a.modified > b.modified;
    return a.stem > b.stem;
  });
  return out;
}

StatusOr<fs::path> ReportFolder::Resolve(std::string_view name) const {
  if (!ParseReportFileName(name)) {
    return NotFoundError(fmt::format("{} is not a report file name", name));
  }
  const fs::path path = dir_ / std::string(name);
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(path, ec))) {
    return NotFoundError(fmt::format("no report {} in {}", name, dir_.string()));
  }
  return path;
}

std::string ReportFolder::NewStem(std::string_view label,
                                  std::chrono::system_clock::time_point now) const {
  const auto since_epoch = now.time_since_epoch();
  const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char time[32];
  std::strftime(time, sizeof time, "%Y%m%d-%H%M%S", &utc);
  std::string clean;
  for (char c : label) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    clean += keep ? c : '_';
  }
  const std::string base =
      fmt::format("{}-{:03}{}{}", time, millis, clean.empty() ? "" : "-", clean);
  const auto taken = [this](const std::string& stem) {
    std::error_code ec;
    for (ReportFileKind kind : kReportFileKinds) {
      if (fs::exists(dir_ / (stem + std::string(ReportFileSuffix(kind))), ec)) return true;
    }
    return false;
  };
  std::string stem = base;
  for (int n = 2; taken(stem); ++n) stem = fmt::format("{}-{}", base, n);
  return stem;
}

Status ReportFolder::Write(std::string_view stem, ReportFileKind kind,
                           std::string_view text) const {
  const std::string name = std::string(stem) + std::string(ReportFileSuffix(kind));
  const fs::path path = dir_ / name;
  // A dot-name in the same directory: hidden from List, renamed in one step.
  const fs::path temp = dir_ / fmt::format(".{}.{}.tmp", name, ::getpid());
  const auto failed = [&path](const char* what) {
    return UnavailableError(
        fmt::format("cannot write {}: {} ({})", path.string(), what, std::strerror(errno)));
  };
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) return failed("open");
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  if (std::fclose(file) != 0 || !written) {
    std::remove(temp.c_str());
    return failed("write");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return failed("rename");
  }
  return Status::Ok();
}

}  // namespace cardflow
