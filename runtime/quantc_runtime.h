/*===- quantc_runtime.h - the C runtime of quantc-compiled objects --------===*
 *
 * Part of quantc.
 *
 *===----------------------------------------------------------------------===*/

#ifndef QUANTC_RUNTIME_H
#define QUANTC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MLIR's unranked memref: a rank and a pointer to a ranked descriptor. */
typedef struct {
  int64_t rank;
  void *descriptor;
} QuantcUnrankedMemRef;

/* Copies between two memrefs of one shape with any strides (the symbol and
 * ABI that MLIR's memref-to-LLVM lowering calls for non-contiguous
 * copies). */
void memrefCopy(int64_t elemSize, QuantcUnrankedMemRef *src,
                QuantcUnrankedMemRef *dst);

/* Packing for quantc's low-bit GEMM kernels (`quantc kernel gemm-*`), for
 * programs that pack weights at run time. The layout's definition is the
 * compiler's packLowBitWeights / packGroupScales (LowBitGemm.h), which
 * compiled models use at compile time; these C versions are tested byte
 * for byte against them (unittests: KernelPacking). Row-major weights B[k][n], n a multiple of 64, are laid out as
 * [n / 64][k / kb][64 columns][4 bytes], kb = 4 (int8), 8 (int4) or 16
 * (ternary); byte i of column c in step t holds, in its bit field q (8, 4
 * or 2 bits wide), B[kb t + 4 q + i][c] (ternary: B + 1). `packed` holds k * n bytes
 * (int8), k * n / 2 (int4) or k * n / 4 (ternary). */
void quantc_pack_vnni_weights(const int8_t *b, int64_t k, int64_t n,
                              int8_t *packed);
/* Values -8..7. */
void quantc_pack_int4_weights(const int8_t *b, int64_t k, int64_t n,
                              uint8_t *packed);
/* Values -1, 0, 1, stored as the codes w + 1. */
void quantc_pack_ternary_weights(const int8_t *b, int64_t k, int64_t n,
                                 uint8_t *packed);
/* Int4 group scales scale[k / group][n] to the kernels' [n / 64][k /
 * group][64]. */
void quantc_pack_group_scales(const float *scales, int64_t k, int64_t n,
                              int64_t group, float *packed);

/* The buffers compiled models allocate (MLIR's generic allocation
 * functions, quantc_buffers.c). Freed blocks are kept for the next call
 * of the model, up to 1 GiB; quantc_release_buffers() frees them. */
void *_mlir_memref_to_llvm_alloc(size_t size);
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size);
void _mlir_memref_to_llvm_free(void *pointer);
void quantc_release_buffers(void);

/* Asks the OS for the AMX tile state once per process; kernels built for
 * x86_64-amx call it on entry. Prints why and exits with status 1 when the
 * OS refuses (no AMX, or a kernel before Linux 5.16). */
void quantc_amx_enable(void);

/* GPU-target objects (nvptx-sm80, nvptx-sm90): opens the NVIDIA driver
 * and GPU QUANTC_CUDA_DEVICE (default 0). Returns 0 when the model can
 * run; otherwise -1 with the reason in `message`. The model's entry point
 * itself prints the reason and exits with status 1 when it cannot run. */
int quantc_gpu_init(char *message, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* QUANTC_RUNTIME_H */
