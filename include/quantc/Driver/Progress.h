//===- Progress.h - a progress bar for long driver work ---------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DRIVER_PROGRESS_H
#define QUANTC_DRIVER_PROGRESS_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <string>

namespace quantc {

/// Draws "<label> [####      ] 12/40" on standard error, redrawn in
/// place. Silent when disabled or when standard error is not a terminal,
/// so logs and tests stay clean.
class ProgressBar {
public:
  ProgressBar(llvm::StringRef label, size_t total, bool enabled);
  /// Marks one more item done.
  void step();

private:
  std::string label;
  size_t total, done = 0;
  bool visible;
};

} // namespace quantc

#endif // QUANTC_DRIVER_PROGRESS_H
