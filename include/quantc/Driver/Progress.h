//===- Progress.h - progress of long work, as a callback --------*- C++ -*-===//
//
// Part of quantc. Libraries never draw on a terminal: long work
// (calibration, the precision search, running a folder of samples) reports
// its steps to a callback the tool or embedder supplies, which may draw a
// bar, log, or do nothing.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DRIVER_PROGRESS_H
#define QUANTC_DRIVER_PROGRESS_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <functional>
#include <string>

namespace quantc {

/// Told after each step of a stage: its label ("calibrating"), how many of
/// its `total` items are done. An empty callback means silence.
using ProgressCallback =
    std::function<void(llvm::StringRef stage, size_t done, size_t total)>;

/// Counts the steps of one stage and reports each to a callback.
class ProgressCounter {
public:
  ProgressCounter(ProgressCallback callback, llvm::StringRef stage,
                  size_t total)
      : callback(std::move(callback)), stage(stage.str()), total(total) {}
  /// Marks one more item done.
  void step() {
    ++done;
    if (callback && done <= total)
      callback(stage, done, total);
  }
  /// Marks the stage done when `total` was an upper bound.
  void finish() {
    if (callback && done < total)
      callback(stage, total, total);
    done = total;
  }

private:
  ProgressCallback callback;
  std::string stage;
  size_t total, done = 0;
};

} // namespace quantc

#endif // QUANTC_DRIVER_PROGRESS_H
