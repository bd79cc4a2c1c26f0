//===- LegacyOpsets.h - nodes of opsets 1 to 6 in opset-7 form --*- C++ -*-===//
//
// Part of quantc. Private to lib/Target/ONNX.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TARGET_ONNX_LEGACYOPSETS_H
#define QUANTC_LIB_TARGET_ONNX_LEGACYOPSETS_H

#include "GraphImporter.h"

namespace quantc::onnx_import {

/// The first default-domain opset the node handlers read directly.
constexpr int64_t kFirstModernOpset = 7;

/// Writes into `upgraded` the opset-7 form of a default-domain `node` of an
/// older `opset`: legacy `broadcast` / `axis` broadcasting becomes numpy
/// broadcasting (reshaping B where its axis left trailing dimensions, and
/// a PRelu slope of one value per channel to C x 1 x ... x 1),
/// Concat's optional axis its old default, Pad's `paddings` `pads`, Cast's
/// type name a type number, Reshape's `shape` attribute a known input.
/// Values it adds are defined in `graph`.
mlir::LogicalResult upgradeLegacyNode(GraphImporter &graph,
                                      const onnx::NodeProto &node,
                                      int64_t opset, mlir::Location loc,
                                      onnx::NodeProto &upgraded);

} // namespace quantc::onnx_import

#endif // QUANTC_LIB_TARGET_ONNX_LEGACYOPSETS_H
