/* The peer of the runtime's buffer cache: MLIR's generic allocation
 * functions as plain malloc / free (what objects called before). */
#include <stdlib.h>

void *_mlir_memref_to_llvm_alloc(size_t size) { return malloc(size); }

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  return aligned_alloc(alignment, (size + alignment - 1) / alignment *
                                      alignment);
}

void _mlir_memref_to_llvm_free(void *pointer) { free(pointer); }
