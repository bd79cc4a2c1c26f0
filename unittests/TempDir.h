//===- TempDir.h - a temporary folder for a test --------------*- C++ -*-===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_UNITTESTS_TEMPDIR_H
#define QUANTC_UNITTESTS_TEMPDIR_H

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <string>

namespace quantc {

/// A fresh temporary folder, removed with the object.
struct TempDir {
  llvm::SmallString<128> path;
  TempDir() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("quantc-test", path));
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
  std::string file(llvm::StringRef name) const {
    llvm::SmallString<128> full(path);
    llvm::sys::path::append(full, name);
    return full.str().str();
  }
};

} // namespace quantc

#endif // QUANTC_UNITTESTS_TEMPDIR_H
