//===- GemmBlockingTest.cpp - the GEMM kernels' blocking, per CPU ---------===//
//
// Part of quantc. Parsing, the tuning cache's round trip, and where a
// blocking comes from.
//
//===----------------------------------------------------------------------===//

#include "quantc/Kernels/GemmBlocking.h"

#include "../TempDir.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <optional>

using namespace quantc;

namespace {

std::string readText(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : "";
}

void writeText(const std::string &path, llvm::StringRef text) {
  std::error_code ec;
  llvm::raw_fd_ostream file(path, ec);
  ASSERT_FALSE(ec);
  file << text;
}

/// Sets QUANTC_TUNING_CACHE for one test, and then restores it.
struct CacheEnvironment {
  explicit CacheEnvironment(const std::string &path) {
    if (const char *old = std::getenv("QUANTC_TUNING_CACHE"))
      previous = old;
    setenv("QUANTC_TUNING_CACHE", path.c_str(), 1);
  }
  ~CacheEnvironment() {
    if (previous)
      setenv("QUANTC_TUNING_CACHE", previous->c_str(), 1);
    else
      unsetenv("QUANTC_TUNING_CACHE");
  }
  std::optional<std::string> previous;
};

TEST(GemmBlockingTest, ParsesAndFormats) {
  auto blocking = parseGemmBlocking("group=1024,columns=32");
  ASSERT_TRUE(static_cast<bool>(blocking));
  EXPECT_EQ(blocking->panelGroupKiB, 1024);
  EXPECT_EQ(blocking->blockColumns, 32);
  EXPECT_EQ(formatGemmBlocking(*blocking), "group=1024,columns=32");
  auto partial = parseGemmBlocking("columns=32");
  ASSERT_TRUE(static_cast<bool>(partial));
  EXPECT_EQ(partial->panelGroupKiB, GemmBlocking{}.panelGroupKiB);
  auto defaults = parseGemmBlocking("default");
  ASSERT_TRUE(static_cast<bool>(defaults));
  EXPECT_TRUE(*defaults == GemmBlocking{});
}

TEST(GemmBlockingTest, RefusesWhatNoKernelBuilds) {
  for (const char *text :
       {"columns=48", "group=32", "group=abc", "rows=8", "group=131072"}) {
    auto blocking = parseGemmBlocking(text);
    EXPECT_FALSE(static_cast<bool>(blocking)) << text;
    std::string message = llvm::toString(blocking.takeError());
    EXPECT_NE(message.find(text), std::string::npos) << message;
  }
}

TEST(GemmBlockingTest, CacheKeepsOneLinePerCpu) {
  TempDir dir;
  std::string cache = dir.file("sub/gemm-blocking");
  ASSERT_FALSE(static_cast<bool>(
      writeTunedGemmBlocking(cache, "znver9", {1024, 32}, "1.0 GOP/s")));
  ASSERT_FALSE(static_cast<bool>(
      writeTunedGemmBlocking(cache, "sapphirerapids", {2048, 64}, "2.0")));
  ASSERT_FALSE(static_cast<bool>(
      writeTunedGemmBlocking(cache, "znver9", {256, 64}, "3.0 GOP/s")));
  EXPECT_EQ(readText(cache), "sapphirerapids group=2048,columns=64 2.0\n"
                             "znver9 group=256,columns=64 3.0 GOP/s\n");
  auto znver9 = readTunedGemmBlocking(cache, "znver9");
  ASSERT_TRUE(static_cast<bool>(znver9));
  ASSERT_TRUE(znver9->has_value());
  EXPECT_EQ((*znver9)->panelGroupKiB, 256);
  auto missing = readTunedGemmBlocking(cache, "cascadelake");
  ASSERT_TRUE(static_cast<bool>(missing));
  EXPECT_FALSE(missing->has_value());
  auto noFile = readTunedGemmBlocking(dir.file("none"), "znver9");
  ASSERT_TRUE(static_cast<bool>(noFile));
  EXPECT_FALSE(noFile->has_value());
}

TEST(GemmBlockingTest, MalformedCacheLineIsAnError) {
  TempDir dir;
  std::string cache = dir.file("gemm-blocking");
  writeText(cache, "other group=512,columns=64\nznver9 group=512,columns=7\n");
  auto blocking = readTunedGemmBlocking(cache, "znver9");
  ASSERT_FALSE(static_cast<bool>(blocking));
  std::string message = llvm::toString(blocking.takeError());
  EXPECT_NE(message.find(cache + ":2:"), std::string::npos) << message;
}

TEST(GemmBlockingTest, ChoosesTunedThenTableThenDefault) {
  TempDir dir;
  std::string cache = dir.file("gemm-blocking");
  CacheEnvironment environment(cache);
  std::string cpu = llvm::sys::getHostCPUName().str();
  GemmBlocking listed = tabulatedGemmBlocking(cpu).value_or(GemmBlocking{});
  auto before = chooseGemmBlocking("auto", /*forThisHost=*/true);
  ASSERT_TRUE(static_cast<bool>(before));
  EXPECT_TRUE(before->blocking == listed);
  EXPECT_NE(before->source.find(cpu), std::string::npos) << before->source;

  ASSERT_FALSE(static_cast<bool>(
      writeTunedGemmBlocking(cache, cpu, {128, 32}, "measured")));
  auto tuned = chooseGemmBlocking("auto", true);
  ASSERT_TRUE(static_cast<bool>(tuned));
  EXPECT_TRUE((tuned->blocking == GemmBlocking{128, 32}));
  EXPECT_NE(tuned->source.find(cache), std::string::npos) << tuned->source;

  // Kernels for another machine do not take this one's tuning.
  auto other = chooseGemmBlocking("auto", false);
  ASSERT_TRUE(static_cast<bool>(other));
  EXPECT_TRUE(other->blocking == GemmBlocking{});
  // An explicit request wins.
  auto given = chooseGemmBlocking("group=64", true);
  ASSERT_TRUE(static_cast<bool>(given));
  EXPECT_TRUE((given->blocking == GemmBlocking{64, 64}));
  EXPECT_EQ(given->source, "--gemm-blocking group=64");
}

TEST(GemmBlockingTest, TableHasMeasuredEntriesOnly) {
  auto zen4 = tabulatedGemmBlocking("znver4");
  ASSERT_TRUE(zen4.has_value());
  EXPECT_TRUE(gemmBlockingUnsupported(*zen4).empty());
  auto zen5 = tabulatedGemmBlocking("znver5");
  ASSERT_TRUE(zen5.has_value());
  EXPECT_TRUE((*zen5 == GemmBlocking{256, 64}));
  EXPECT_FALSE(tabulatedGemmBlocking("not-a-cpu").has_value());
}

} // namespace
