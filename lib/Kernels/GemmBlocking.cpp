//===- GemmBlocking.cpp - the GEMM kernels' blocking, per CPU -------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Kernels/GemmBlocking.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

using namespace quantc;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

bool quantc::operator==(const GemmBlocking &l, const GemmBlocking &r) {
  return l.panelGroupKiB == r.panelGroupKiB && l.blockColumns == r.blockColumns;
}

std::string quantc::gemmBlockingUnsupported(const GemmBlocking &blocking) {
  if (blocking.panelGroupKiB < 64 || blocking.panelGroupKiB > 64 * 1024)
    return "the panel group must be 64 KiB to 64 MiB, not " +
           std::to_string(blocking.panelGroupKiB) + " KiB";
  if (blocking.blockColumns != 64 && blocking.blockColumns != 32)
    return "register blocks take 64 or 32 columns, not " +
           std::to_string(blocking.blockColumns);
  return "";
}

std::string quantc::formatGemmBlocking(const GemmBlocking &blocking) {
  return "group=" + std::to_string(blocking.panelGroupKiB) +
         ",columns=" + std::to_string(blocking.blockColumns);
}

llvm::Expected<GemmBlocking> quantc::parseGemmBlocking(llvm::StringRef text) {
  GemmBlocking blocking;
  if (text == "default")
    return blocking;
  llvm::SmallVector<llvm::StringRef> fields;
  text.split(fields, ',');
  for (llvm::StringRef field : fields) {
    auto [key, value] = field.split('=');
    int64_t number = 0;
    if (value.getAsInteger(10, number))
      return error("GEMM blocking '" + text +
                   "': expected default or "
                   "group=<KiB>,columns=<64|32>, got '" +
                   field + "'");
    if (key == "group")
      blocking.panelGroupKiB = number;
    else if (key == "columns")
      blocking.blockColumns = number;
    else
      return error("GEMM blocking '" + text + "': unknown key '" + key +
                   "' (expected group or columns)");
  }
  std::string unsupported = gemmBlockingUnsupported(blocking);
  if (!unsupported.empty())
    return error("GEMM blocking '" + text + "': " + unsupported);
  return blocking;
}

std::optional<GemmBlocking> quantc::tabulatedGemmBlocking(llvm::StringRef cpu) {
  // Each entry measured with `quantc tune-kernels` on that CPU (the figures
  // are in docs/Kernels.md). Add a line when a session lands on a new one.
  struct Entry {
    llvm::StringRef cpu;
    GemmBlocking blocking;
  };
  static const Entry kTable[] = {
      {"znver4", {512, 64}},
      // 256 KiB groups: 1.02-1.06x the default in 3 of 4 tune-kernels runs.
      {"znver5", {256, 64}},
  };
  for (const Entry &entry : kTable)
    if (entry.cpu == cpu)
      return entry.blocking;
  return std::nullopt;
}

std::string quantc::defaultTuningCachePath() {
  if (std::optional<std::string> path =
          llvm::sys::Process::GetEnv("QUANTC_TUNING_CACHE"))
    return *path;
  llvm::SmallString<256> path;
  if (std::optional<std::string> xdg =
          llvm::sys::Process::GetEnv("XDG_CACHE_HOME");
      xdg && !xdg->empty()) {
    path = *xdg;
  } else {
    std::optional<std::string> home = llvm::sys::Process::GetEnv("HOME");
    path = home ? *home : ".";
    llvm::sys::path::append(path, ".cache");
  }
  llvm::sys::path::append(path, "quantc", "gemm-blocking");
  return path.str().str();
}

/// The cache's lines, or none when there is no file.
static llvm::Expected<std::optional<std::string>>
readCache(llvm::StringRef path) {
  if (!llvm::sys::fs::exists(path))
    return std::nullopt;
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return error("cannot read the tuning cache '" + path +
                 "': " + buffer.getError().message());
  return (*buffer)->getBuffer().str();
}

llvm::Expected<std::optional<GemmBlocking>>
quantc::readTunedGemmBlocking(llvm::StringRef path, llvm::StringRef cpu) {
  auto text = readCache(path);
  if (!text)
    return text.takeError();
  if (!*text)
    return std::nullopt;
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(**text).split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (auto [number, line] : llvm::enumerate(lines)) {
    llvm::SmallVector<llvm::StringRef> words;
    line.split(words, ' ', -1, /*KeepEmpty=*/false);
    if (words.size() < 2 || words[0] != cpu)
      continue;
    auto blocking = parseGemmBlocking(words[1]);
    if (!blocking)
      return error(path + ":" + llvm::Twine(number + 1) + ": " +
                   llvm::toString(blocking.takeError()) +
                   " (run quantc tune-kernels again, or delete the file)");
    return *blocking;
  }
  return std::nullopt;
}

llvm::Error quantc::writeTunedGemmBlocking(llvm::StringRef path,
                                           llvm::StringRef cpu,
                                           const GemmBlocking &blocking,
                                           llvm::StringRef measured) {
  auto text = readCache(path);
  if (!text)
    return text.takeError();
  std::string kept;
  if (*text) {
    llvm::SmallVector<llvm::StringRef> lines;
    llvm::StringRef(**text).split(lines, '\n', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef line : lines)
      if (line.split(' ').first != cpu)
        kept += line.str() + "\n";
  }
  if (std::error_code ec =
          llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path)))
    return error("cannot create the folder of '" + path + "': " + ec.message());
  std::error_code ec;
  llvm::raw_fd_ostream file(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return error("cannot write the tuning cache '" + path +
                 "': " + ec.message());
  file << kept << cpu << " " << formatGemmBlocking(blocking) << " " << measured
       << "\n";
  return llvm::Error::success();
}

llvm::Expected<ChosenGemmBlocking>
quantc::chooseGemmBlocking(llvm::StringRef request, bool forThisHost) {
  if (request != "auto") {
    auto blocking = parseGemmBlocking(request);
    if (!blocking)
      return blocking.takeError();
    return ChosenGemmBlocking{*blocking, "--gemm-blocking " + request.str()};
  }
  if (!forThisHost)
    return ChosenGemmBlocking{
        {}, "default (the target is not this machine's own CPU)"};
  std::string cpu = llvm::sys::getHostCPUName().str();
  std::string cache = defaultTuningCachePath();
  auto tuned = readTunedGemmBlocking(cache, cpu);
  if (!tuned)
    return tuned.takeError();
  if (*tuned)
    return ChosenGemmBlocking{**tuned,
                              "tuned on this " + cpu + " (" + cache + ")"};
  if (std::optional<GemmBlocking> listed = tabulatedGemmBlocking(cpu))
    return ChosenGemmBlocking{*listed, "the table's entry for " + cpu};
  return ChosenGemmBlocking{{},
                            "default (no tuning or table entry for " + cpu +
                                "; quantc tune-kernels measures one)"};
}
