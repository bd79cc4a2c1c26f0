//===- TerminalProgress.h - the driver's progress bar -----------*- C++ -*-===//
//
// Part of quantc. The one place that draws progress: a ProgressCallback
// drawing "<stage> [####      ] 12/40" on standard error, redrawn in place,
// silent when standard error is not a terminal (logs and tests stay clean).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_QUANTC_TERMINALPROGRESS_H
#define QUANTC_TOOLS_QUANTC_TERMINALPROGRESS_H

#include "quantc/Driver/Progress.h"

namespace quantc {

/// A progress bar on standard error; an empty callback when `enabled` is
/// false or standard error is not a terminal.
ProgressCallback terminalProgress(bool enabled);

} // namespace quantc

#endif // QUANTC_TOOLS_QUANTC_TERMINALPROGRESS_H
