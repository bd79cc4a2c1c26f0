#!/usr/bin/env python3
"""Writes a C file that compiles runtime/quantc_gpu_runtime.c against the
CUDA toolkit's cuda.h: the runtime declares the driver functions itself
(it opens libcuda at run time), so this checks its function-pointer types
and enumerator values against the real ones.

usage: cuda_signatures.py RUNTIME_C OUT_C
"""
import sys

source = open(sys.argv[1]).read()
begin = source.index("typedef int CUresult;")
end = source.index("/* The values of cuda.h")
checked = source[:begin] + "#include <cuda.h>\n" + source[end:] + """
void quantc_check_signatures(void) {
  cuda.init = cuInit;
  cuda.deviceGet = cuDeviceGet;
  cuda.primaryCtxRetain = cuDevicePrimaryCtxRetain;
  cuda.ctxSetCurrent = cuCtxSetCurrent;
  cuda.moduleUnload = cuModuleUnload;
  cuda.moduleGetFunction = cuModuleGetFunction;
  cuda.launchKernel = cuLaunchKernel;
  cuda.streamCreate = cuStreamCreate;
  cuda.streamDestroy = cuStreamDestroy_v2;
  cuda.streamSynchronize = cuStreamSynchronize;
  cuda.memAlloc = cuMemAlloc_v2;
  cuda.memFree = cuMemFree_v2;
  cuda.memcpyAsync = cuMemcpyAsync;
  cuda.getErrorString = cuGetErrorString;
  cuda.deviceGetDefaultMemPool = cuDeviceGetDefaultMemPool;
  cuda.memAllocAsync = cuMemAllocAsync;
  cuda.memFreeAsync = cuMemFreeAsync;
  _Static_assert(CU_MEMPOOL_ATTR_RELEASE_THRESHOLD == kPoolReleaseThreshold, "");
  _Static_assert(CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED ==
                 kMemoryPoolsSupported, "");
  _Static_assert(CU_JIT_OPTIMIZATION_LEVEL == kJitOptimizationLevel, "");
  _Static_assert(CU_JIT_ERROR_LOG_BUFFER == kJitErrorLogBuffer, "");
  _Static_assert(CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES == kJitErrorLogBufferSize,
                 "");
  _Static_assert(CU_STREAM_NON_BLOCKING == kStreamNonBlocking, "");
  _Static_assert(sizeof(CUdeviceptr) == 8 && sizeof(CUdevice) == sizeof(int),
                 "");
}
"""
open(sys.argv[2], "w").write(checked)
