/*===- quantc_buffers.c - the buffers compiled models allocate ------------===*
 *
 * Part of quantc. Compiled models allocate their intermediate buffers
 * through MLIR's generic allocation functions (memref-to-LLVM's
 * use-generic-functions) and free them before returning. A model asks for
 * the same large buffers on every call, and glibc hands blocks above its
 * mmap threshold straight back to the kernel, so every call page-faulted
 * its whole working set in again: the int8 PP-OCRv4 detector spent two
 * thirds of its 191 ms per call clearing pages. Small blocks are kept
 * too: the detector's 200 small buffers per call cost glibc 0.3 ms of
 * free-list work (5% of the call). Freed blocks are kept here, by size
 * and alignment, for the next request, up to kCacheLimit bytes in all;
 * quantc_release_buffers() gives them back.
 *
 *===----------------------------------------------------------------------===*/

#include "quantc_runtime.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

enum { kBucketBits = 8, kBuckets = 1 << kBucketBits };
static const size_t kCacheLimit = (size_t)1 << 30;

/* Sits right before each block handed out. */
typedef struct Header {
  void *base; /* what malloc returned */
  size_t size, alignment;
  struct Header *next; /* in a bucket while cached */
} Header;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Header *buckets[kBuckets];
static size_t cachedBytes;

/* Buffer sizes are mostly multiples of large powers of two: a
 * multiplicative hash spreads them over the buckets. */
static size_t bucketOf(size_t size) {
  return (size_t)(((uint64_t)size * 0x9E3779B97F4A7C15ull) >>
                  (64 - kBucketBits));
}

static void *allocate(size_t size, size_t alignment) {
  if (alignment < 16)
    alignment = 16;
  pthread_mutex_lock(&lock);
  for (Header **link = &buckets[bucketOf(size)]; *link; link = &(*link)->next) {
    Header *header = *link;
    if (header->size == size && header->alignment == alignment) {
      *link = header->next;
      cachedBytes -= size;
      pthread_mutex_unlock(&lock);
      return header + 1;
    }
  }
  pthread_mutex_unlock(&lock);
  void *base = malloc(size + sizeof(Header) + alignment);
  if (!base)
    return NULL;
  uintptr_t start = (uintptr_t)base + sizeof(Header);
  uintptr_t aligned = (start + alignment - 1) & ~(uintptr_t)(alignment - 1);
  Header *header = (Header *)aligned - 1;
  header->base = base;
  header->size = size;
  header->alignment = alignment;
  header->next = NULL;
  return (void *)aligned;
}

void *_mlir_memref_to_llvm_alloc(size_t size) { return allocate(size, 16); }

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  return allocate(size, alignment);
}

void _mlir_memref_to_llvm_free(void *pointer) {
  if (!pointer)
    return;
  Header *header = (Header *)pointer - 1;
  pthread_mutex_lock(&lock);
  if (cachedBytes + header->size <= kCacheLimit) {
    Header **bucket = &buckets[bucketOf(header->size)];
    header->next = *bucket;
    *bucket = header;
    cachedBytes += header->size;
    pthread_mutex_unlock(&lock);
    return;
  }
  pthread_mutex_unlock(&lock);
  free(header->base);
}

void quantc_release_buffers(void) {
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < kBuckets; ++i) {
    while (buckets[i]) {
      Header *header = buckets[i];
      buckets[i] = header->next;
      free(header->base);
    }
  }
  cachedBytes = 0;
  pthread_mutex_unlock(&lock);
}
