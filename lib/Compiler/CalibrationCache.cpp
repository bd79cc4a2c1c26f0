//===- CalibrationCache.cpp - write what calibration measured -------------===//
//
// Part of quantc. The cache of `quantc calibrate`: statistics as JSON, and
// each E[x x^T] beside it as <cache>.moments/<tensor>.npy (float32,
// channels x channels), named in the tensor's entry.
//
//===----------------------------------------------------------------------===//

#include "quantc/Compiler/Compiler.h"
#include "quantc/Compiler/Run.h"

#include "quantc/Driver/HostArray.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

using namespace quantc;

static llvm::Error cacheError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static llvm::Error writeSecondMoments(const CalibrationResult &result,
                                      llvm::StringRef cachePath,
                                      llvm::json::Object &cache) {
  llvm::SmallString<256> folder(cachePath);
  llvm::sys::path::replace_extension(folder, "moments");
  llvm::json::Object *tensors = cache.getObject("tensors");
  for (const auto &[name, moments] : result.moments) {
    if (!moments.hasSecondMoment())
      continue;
    if (std::error_code ec = llvm::sys::fs::create_directories(folder))
      return cacheError("cannot create '" + folder + "': " + ec.message());
    HostArray gram;
    gram.shape = {moments.channels(), moments.channels()};
    std::vector<double> values = moments.secondMoment();
    gram.data.assign(values.begin(), values.end());
    llvm::SmallString<256> path(folder);
    llvm::sys::path::append(path, safeFileName(name) + ".npy");
    if (llvm::Error err = writeNpy(path, gram))
      return err;
    if (llvm::json::Object *entry =
            tensors ? tensors->getObject(name) : nullptr)
      if (llvm::json::Object *channel = entry->getObject("channel_moments"))
        (*channel)["second_moment_file"] = (llvm::sys::path::filename(folder) +
                                            "/" + safeFileName(name) + ".npy")
                                               .str();
  }
  return llvm::Error::success();
}

llvm::Error quantc::writeCalibrationCache(const CalibrationResult &result,
                                          llvm::StringRef path,
                                          llvm::StringRef modelPath) {
  llvm::json::Object cache = result.toJSON();
  cache["model"] = modelPath.str();
  if (llvm::Error err = writeSecondMoments(result, path, cache))
    return err;
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return cacheError("cannot write '" + path + "': " + ec.message());
  out << llvm::formatv("{0:2}", llvm::json::Value(std::move(cache))) << "\n";
  return llvm::Error::success();
}
