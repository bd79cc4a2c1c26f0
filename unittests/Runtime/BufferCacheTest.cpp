//===- BufferCacheTest.cpp - the compiled models' buffer cache ------------===//
//
// Part of quantc. quantc_buffers.c keeps freed blocks for the next call of
// a model: large ones (glibc would unmap them) and small ones (its free
// lists cost 2 us each) alike.
//
//===----------------------------------------------------------------------===//

#include "quantc_runtime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <malloc.h>

namespace {

TEST(BufferCacheTest, FreedBlocksServeTheNextRequestOfTheirSize) {
  quantc_release_buffers();
  for (size_t size : {size_t(48), size_t(4096), size_t(1) << 20}) {
    void *first = _mlir_memref_to_llvm_alloc(size);
    ASSERT_NE(first, nullptr);
    size_t held = mallinfo2().uordblks + mallinfo2().hblkhd;
    _mlir_memref_to_llvm_free(first);
    // Kept by the cache: glibc still counts the block as in use.
    EXPECT_EQ(mallinfo2().uordblks + mallinfo2().hblkhd, held)
        << size << " bytes";
    void *again = _mlir_memref_to_llvm_alloc(size);
    EXPECT_EQ(again, first) << size << " bytes";
    _mlir_memref_to_llvm_free(again);
  }
  // Released: glibc has the blocks back.
  size_t cached = mallinfo2().uordblks + mallinfo2().hblkhd;
  quantc_release_buffers();
  EXPECT_LT(mallinfo2().uordblks + mallinfo2().hblkhd, cached);
}

TEST(BufferCacheTest, SizeAndAlignmentMustMatch) {
  quantc_release_buffers();
  void *block = _mlir_memref_to_llvm_alloc(256);
  _mlir_memref_to_llvm_free(block);
  void *larger = _mlir_memref_to_llvm_alloc(512);
  EXPECT_NE(larger, block);
  void *aligned = _mlir_memref_to_llvm_aligned_alloc(128, 256);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(aligned) % 128, 0u);
  EXPECT_NE(aligned, block);
  _mlir_memref_to_llvm_free(larger);
  _mlir_memref_to_llvm_free(aligned);
  quantc_release_buffers();
}

} // namespace
