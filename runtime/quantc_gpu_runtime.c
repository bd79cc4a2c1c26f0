/*===- quantc_gpu_runtime.c - the mgpu* calls of GPU-target objects -------===*
 *
 * Part of quantc. An object compiled for nvptx-sm80 / nvptx-sm90 embeds
 * its kernels as PTX and calls the mgpu* functions MLIR's gpu-to-llvm
 * lowering and gpu.binary translation emit (the ABI of MLIR's
 * CudaRuntimeWrappers). This implementation opens the CUDA driver
 * (libcuda.so.1) at run time, so that programs build on machines without
 * the CUDA toolkit and fail with a message, not a missing symbol, on
 * machines without a GPU.
 *
 * Errors: the model's entry point returns nothing, so a failing CUDA call
 * prints "quantc GPU runtime: ..." and exits with status 1. Call
 * quantc_gpu_init first to find out without exiting.
 *
 *===----------------------------------------------------------------------===*/

#include "quantc_runtime.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef void *CUmodule;
typedef void *CUfunction;
typedef void *CUstream;
typedef void *CUmemoryPool;
typedef unsigned long long CUdeviceptr;

/* The values of cuda.h's enumerators this file uses. */
enum {
  kCudaSuccess = 0,
  kJitOptimizationLevel = 7,
  kJitErrorLogBuffer = 5,
  kJitErrorLogBufferSize = 6,
  kStreamNonBlocking = 1,
  kMemoryPoolsSupported = 115 /* CU_DEVICE_ATTRIBUTE_ */,
  kPoolReleaseThreshold = 4 /* CU_MEMPOOL_ATTR_ */
};

/* The driver entry points, by the names libcuda exports. */
static struct {
  CUresult (*init)(unsigned);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*moduleLoadDataEx)(CUmodule *, const void *, unsigned, int *,
                               void **);
  CUresult (*moduleUnload)(CUmodule);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, unsigned, CUstream, void **,
                           void **);
  CUresult (*streamCreate)(CUstream *, unsigned);
  CUresult (*streamDestroy)(CUstream);
  CUresult (*streamSynchronize)(CUstream);
  CUresult (*memAlloc)(CUdeviceptr *, size_t);
  CUresult (*memFree)(CUdeviceptr);
  CUresult (*memcpyAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*getErrorString)(CUresult, const char **);
  /* Stream-ordered allocation (CUDA 11.2), used where the GPU has it. */
  CUresult (*deviceGetAttribute)(int *, int, CUdevice);
  CUresult (*deviceGetDefaultMemPool)(CUmemoryPool *, CUdevice);
  CUresult (*memPoolSetAttribute)(CUmemoryPool, int, void *);
  CUresult (*memAllocAsync)(CUdeviceptr *, size_t, CUstream);
  CUresult (*memFreeAsync)(CUdeviceptr, CUstream);
} cuda;

static CUcontext context;
/* Buffers come from the device's default memory pool, which keeps what a
 * call frees for the next one (cuMemAlloc / cuMemFree on every call and
 * buffer would cost more than small models' kernels). */
static int pooled;
/* After initialize(): 1 ready, -1 failed (message in initError). */
static int initState;
static char initError[256];

static int loadSymbol(void *library, const char *name, void **slot) {
  *slot = dlsym(library, name);
  if (*slot)
    return 0;
  snprintf(initError, sizeof initError,
           "libcuda.so.1 has no %s (driver too old?)", name);
  return -1;
}

static const char *errorText(CUresult result) {
  const char *text = NULL;
  if (cuda.getErrorString && cuda.getErrorString(result, &text) == 0 && text)
    return text;
  return "unknown CUDA error";
}

static void initializeOnce(void);

/* Once per process, whichever thread runs the model first. */
static int initialize(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, initializeOnce);
  return initState;
}

static void initializeOnce(void) {
  initState = -1;
  void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    snprintf(initError, sizeof initError,
             "no NVIDIA driver (cannot open libcuda.so.1: %s)", dlerror());
    return;
  }
  struct {
    const char *name;
    void **slot;
  } symbols[] = {
      {"cuInit", (void **)&cuda.init},
      {"cuDeviceGet", (void **)&cuda.deviceGet},
      {"cuDevicePrimaryCtxRetain", (void **)&cuda.primaryCtxRetain},
      {"cuCtxSetCurrent", (void **)&cuda.ctxSetCurrent},
      {"cuModuleLoadDataEx", (void **)&cuda.moduleLoadDataEx},
      {"cuModuleUnload", (void **)&cuda.moduleUnload},
      {"cuModuleGetFunction", (void **)&cuda.moduleGetFunction},
      {"cuLaunchKernel", (void **)&cuda.launchKernel},
      {"cuStreamCreate", (void **)&cuda.streamCreate},
      {"cuStreamDestroy_v2", (void **)&cuda.streamDestroy},
      {"cuStreamSynchronize", (void **)&cuda.streamSynchronize},
      {"cuMemAlloc_v2", (void **)&cuda.memAlloc},
      {"cuMemFree_v2", (void **)&cuda.memFree},
      {"cuMemcpyAsync", (void **)&cuda.memcpyAsync},
      {"cuGetErrorString", (void **)&cuda.getErrorString},
  };
  for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; ++i)
    if (loadSymbol(library, symbols[i].name, symbols[i].slot))
      return;
  const char *ordinalText = getenv("QUANTC_CUDA_DEVICE");
  int ordinal = ordinalText ? atoi(ordinalText) : 0;
  CUdevice device;
  CUresult result = cuda.init(0);
  if (result == kCudaSuccess)
    result = cuda.deviceGet(&device, ordinal);
  if (result == kCudaSuccess)
    result = cuda.primaryCtxRetain(&context, device);
  if (result != kCudaSuccess) {
    snprintf(initError, sizeof initError, "no usable GPU %d: %s", ordinal,
             errorText(result));
    return;
  }
  /* Optional: older drivers allocate synchronously. */
  cuda.deviceGetAttribute = dlsym(library, "cuDeviceGetAttribute");
  cuda.deviceGetDefaultMemPool = dlsym(library, "cuDeviceGetDefaultMemPool");
  cuda.memPoolSetAttribute = dlsym(library, "cuMemPoolSetAttribute");
  cuda.memAllocAsync = dlsym(library, "cuMemAllocAsync");
  cuda.memFreeAsync = dlsym(library, "cuMemFreeAsync");
  int supported = 0;
  CUmemoryPool pool;
  uint64_t keepAll = UINT64_MAX;
  pooled = cuda.deviceGetAttribute && cuda.deviceGetDefaultMemPool &&
           cuda.memPoolSetAttribute && cuda.memAllocAsync &&
           cuda.memFreeAsync &&
           cuda.deviceGetAttribute(&supported, kMemoryPoolsSupported, device) ==
               kCudaSuccess &&
           supported &&
           cuda.deviceGetDefaultMemPool(&pool, device) == kCudaSuccess &&
           cuda.memPoolSetAttribute(pool, kPoolReleaseThreshold, &keepAll) ==
               kCudaSuccess;
  initState = 1;
}

static void fail(const char *what, const char *detail) {
  fprintf(stderr, "quantc GPU runtime: %s: %s\n", what, detail);
  exit(1);
}

/* Every call makes the primary context current: the model may run on any
 * thread. */
static void ready(void) {
  if (initialize() < 0)
    fail("cannot run the model", initError);
  CUresult result = cuda.ctxSetCurrent(context);
  if (result != kCudaSuccess)
    fail("cuCtxSetCurrent", errorText(result));
}

static void check(CUresult result, const char *what) {
  if (result != kCudaSuccess)
    fail(what, errorText(result));
}

int quantc_gpu_init(char *message, size_t size) {
  if (initialize() > 0)
    return 0;
  if (message && size)
    snprintf(message, size, "%s", initError);
  return -1;
}

/* Loading happens on first use, not in the program's constructors where
 * the objects register their kernels: a program that never runs the model
 * needs no GPU. */
typedef struct {
  const char *ptx;
  int optLevel;
  CUmodule module;
} LazyModule;

void *mgpuModuleLoadJIT(void *data, int optLevel) {
  LazyModule *lazy = calloc(1, sizeof *lazy);
  if (!lazy)
    fail("mgpuModuleLoadJIT", "out of memory");
  lazy->ptx = data;
  lazy->optLevel = optLevel;
  return lazy;
}

void *mgpuModuleLoad(void *data, size_t size) {
  (void)size;
  return mgpuModuleLoadJIT(data, 3);
}

void mgpuModuleUnload(void *handle) {
  LazyModule *lazy = handle;
  if (lazy && lazy->module)
    cuda.moduleUnload(lazy->module);
  free(lazy);
}

void *mgpuModuleGetFunction(void *handle, const char *name) {
  ready();
  LazyModule *lazy = handle;
  static pthread_mutex_t loading = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_lock(&loading);
  if (!lazy->module) {
    char log[4096] = "";
    int options[] = {kJitOptimizationLevel, kJitErrorLogBuffer,
                     kJitErrorLogBufferSize};
    void *values[] = {(void *)(intptr_t)lazy->optLevel, log,
                      (void *)(intptr_t)sizeof log};
    CUresult result =
        cuda.moduleLoadDataEx(&lazy->module, lazy->ptx, 3, options, values);
    if (result != kCudaSuccess)
      fail("loading the kernels' PTX", log[0] ? log : errorText(result));
  }
  pthread_mutex_unlock(&loading);
  CUfunction function;
  check(cuda.moduleGetFunction(&function, lazy->module, name),
        "cuModuleGetFunction");
  return function;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedMemBytes, void *stream,
                      void **params, void **extra, size_t paramsCount) {
  (void)paramsCount;
  ready();
  check(cuda.launchKernel(function, gridX, gridY, gridZ, blockX, blockY, blockZ,
                          sharedMemBytes, stream, params, extra),
        "cuLaunchKernel");
}

void *mgpuStreamCreate(void) {
  ready();
  CUstream stream;
  check(cuda.streamCreate(&stream, kStreamNonBlocking), "cuStreamCreate");
  return stream;
}

void mgpuStreamDestroy(void *stream) {
  ready();
  check(cuda.streamDestroy(stream), "cuStreamDestroy");
}

void mgpuStreamSynchronize(void *stream) {
  ready();
  check(cuda.streamSynchronize(stream), "cuStreamSynchronize (a kernel "
                                        "failed)");
}

void *mgpuMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared) {
  ready();
  if (isHostShared)
    fail("mgpuMemAlloc", "host-shared buffers are not supported");
  CUdeviceptr pointer = 0;
  if (sizeBytes == 0)
    return NULL;
  if (pooled)
    check(cuda.memAllocAsync(&pointer, sizeBytes, stream), "cuMemAllocAsync");
  else
    check(cuda.memAlloc(&pointer, sizeBytes), "cuMemAlloc");
  return (void *)(uintptr_t)pointer;
}

void mgpuMemFree(void *pointer, void *stream) {
  ready();
  if (!pointer)
    return;
  if (pooled) {
    /* In stream order: after the kernels still using the buffer. */
    check(cuda.memFreeAsync((CUdeviceptr)(uintptr_t)pointer, stream),
          "cuMemFreeAsync");
    return;
  }
  check(cuda.streamSynchronize(stream), "cuStreamSynchronize (a kernel "
                                        "failed)");
  check(cuda.memFree((CUdeviceptr)(uintptr_t)pointer), "cuMemFree");
}

void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream) {
  ready();
  check(cuda.memcpyAsync((CUdeviceptr)(uintptr_t)dst,
                         (CUdeviceptr)(uintptr_t)src, sizeBytes, stream),
        "cuMemcpyAsync");
}
