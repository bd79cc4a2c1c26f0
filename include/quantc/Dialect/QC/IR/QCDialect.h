//===- QCDialect.h - qc dialect declaration ---------------------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_IR_QCDIALECT_H
#define QUANTC_DIALECT_QC_IR_QCDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

#include "quantc/Dialect/QC/IR/QCAttrs.h"

#include "quantc/Dialect/QC/IR/QCOpsDialect.h.inc"

namespace quantc::qc {

// The names of the dialect's discardable attributes, each declared once
// with its type in QCBase.td (QCDialect::*AttrHelper) and checked by
// QCDialect::verifyOperationAttribute.
inline constexpr llvm::StringLiteral kKeepFloatAttr =
    QCDialect::KeepFloatAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kPrecisionAttr =
    QCDialect::PrecisionAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kGemmKernelAttr =
    QCDialect::GemmKernelAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kDirectConvAttr =
    QCDialect::DirectConvAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kGemmKernelSpecAttr =
    QCDialect::GemmKernelSpecAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kWeightSQNRAttr =
    QCDialect::WeightSqnrDbAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kWeightRoundingAttr =
    QCDialect::WeightRoundingAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kGptqErrorRatioAttr =
    QCDialect::GptqErrorRatioAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kEstimatedSQNRAttr =
    QCDialect::EstimatedSqnrDbAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kSmoothScaleAttr =
    QCDialect::SmoothScaleAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kReparameterizedAttr =
    QCDialect::ReparameterizedAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kObserversAttr =
    QCDialect::ObserversAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kPrecisionSwitchesAttr =
    QCDialect::PrecisionSwitchesAttrHelper::getNameStr();

} // namespace quantc::qc

#endif // QUANTC_DIALECT_QC_IR_QCDIALECT_H
