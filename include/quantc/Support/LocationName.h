//===- LocationName.h - the name a location carries -------------*- C++ -*-===//
//
// Part of quantc. Imported ops carry their ONNX node's name as a NameLoc,
// possibly inside fused or call-site locations after rewrites; probes,
// rotations and the profiler all name things after it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_SUPPORT_LOCATIONNAME_H
#define QUANTC_SUPPORT_LOCATIONNAME_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

#include <optional>
#include <string>

namespace quantc {

/// The first NameLoc's name in `loc` (looking into fused locations and a
/// call site's callee), or nullopt.
inline std::optional<std::string> locationName(mlir::Location loc) {
  if (auto named = llvm::dyn_cast<mlir::NameLoc>(loc))
    return named.getName().str();
  if (auto fused = llvm::dyn_cast<mlir::FusedLoc>(loc))
    for (mlir::Location inner : fused.getLocations())
      if (std::optional<std::string> name = locationName(inner))
        return name;
  if (auto site = llvm::dyn_cast<mlir::CallSiteLoc>(loc))
    return locationName(site.getCallee());
  return std::nullopt;
}

/// `loc` named after its name plus `suffix` (a part of a layer: "y/kd0"),
/// with `loc` inside; `loc` itself when it carries no name.
inline mlir::Location suffixedLoc(mlir::Location loc, llvm::StringRef suffix) {
  std::optional<std::string> name = locationName(loc);
  if (!name)
    return loc;
  return mlir::NameLoc::get(
      mlir::StringAttr::get(loc.getContext(), *name + suffix.str()), loc);
}

} // namespace quantc

#endif // QUANTC_SUPPORT_LOCATIONNAME_H
