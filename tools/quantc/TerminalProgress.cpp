//===- TerminalProgress.cpp - the driver's progress bar -------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "TerminalProgress.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

quantc::ProgressCallback quantc::terminalProgress(bool enabled) {
  if (!enabled || !llvm::sys::Process::StandardErrIsDisplayed())
    return {};
  return [](llvm::StringRef stage, size_t done, size_t total) {
    constexpr size_t kWidth = 30;
    size_t filled = kWidth * std::min(done, total) / std::max<size_t>(total, 1);
    llvm::errs() << "\r" << stage << " [" << std::string(filled, '#')
                 << std::string(kWidth - filled, ' ') << "] " << done << "/"
                 << total;
    if (done == total)
      llvm::errs() << "\n";
    llvm::errs().flush();
  };
}
