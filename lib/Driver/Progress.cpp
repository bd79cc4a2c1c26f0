//===- Progress.cpp - a progress bar for long driver work -----------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/Progress.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace quantc;

ProgressBar::ProgressBar(llvm::StringRef label, size_t total, bool enabled)
    : label(label.str()), total(total),
      visible(enabled && llvm::sys::Process::StandardErrIsDisplayed()) {}

void ProgressBar::step() {
  ++done;
  if (!visible)
    return;
  constexpr size_t kWidth = 30;
  size_t filled = kWidth * std::min(done, total) / std::max<size_t>(total, 1);
  llvm::errs() << "\r" << label << " [" << std::string(filled, '#')
               << std::string(kWidth - filled, ' ') << "] " << done << "/"
               << total;
  if (done == total)
    llvm::errs() << "\n";
  llvm::errs().flush();
}
