# -*- Python -*-
# lit configuration for quantc's regression tests.

import os
import subprocess

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QUANTC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".textproto"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.quantc_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%quantc_src", config.quantc_src_root))
config.substitutions.append(("%quantc_obj_root", config.quantc_obj_root))
config.substitutions.append(("%mlir_include", config.mlir_include_dir))
config.substitutions.append(("%onnx_proto_dir", "/usr/include/onnx"))

llvm_config.use_default_substitutions()
llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
# Compiles for target host read `quantc tune-kernels`' cache; tests must not
# depend on what was tuned on the machine they run on (tune-kernels.test
# names its own cache).
config.environment["QUANTC_TUNING_CACHE"] = os.path.join(
    config.quantc_obj_root, "test", "no-tuning-cache")

tool_dirs = [config.quantc_tools_dir, config.llvm_tools_dir, "/usr/bin"]
tools = [
    "quant-opt",
    "quant-translate",
    "mlir-tblgen",
    "not",
    ToolSubst("protoc", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Real models and ONNX's node tests, when installed (scripts/test.sh does).
import shutil
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%quant_translate",
                             os.path.join(config.quantc_tools_dir, "quant-translate")))
onnx_testdata = "/usr/share/libonnx-testdata/data/node"
if os.path.isdir(onnx_testdata):
    config.available_features.add("onnx-testdata")
    config.substitutions.append(("%onnx_testdata", onnx_testdata))
    # The other suites of Debian's libonnx-testdata, next to node/.
    config.substitutions.append(("%onnx_suites", os.path.dirname(onnx_testdata)))
packs = os.path.join(config.quantc_src_root, "third_party", "npm", "packs")
skimage_data = "/usr/lib/python3/dist-packages/skimage/data"
if os.path.isdir(packs) and os.path.isdir(skimage_data):
    config.available_features.add("real-models")
    config.substitutions.append(("%packs", packs))
# Speech for Silero VAD: alsa-utils' recordings.
if os.path.isfile("/usr/share/sounds/alsa/Front_Center.wav"):
    config.available_features.add("speech")
ocr_models = os.path.join(config.quantc_src_root, "third_party", "npm",
                          "node_modules", "@gutenye", "ocr-models", "assets")
if os.path.isdir(ocr_models):
    config.available_features.add("ocr-models")
    config.substitutions.append(("%ocr_models", ocr_models))

fuzzer = os.path.join(config.quantc_obj_root, "tools", "onnx-import-fuzzer",
                      "onnx-import-fuzzer")
if os.path.isfile(fuzzer):
    config.available_features.add("onnx-import-fuzzer")
    config.substitutions.append(("%onnx_import_fuzzer", fuzzer))
image_fuzzer = os.path.join(config.quantc_obj_root, "tools",
                            "image-input-fuzzer", "image-input-fuzzer")
if os.path.isfile(image_fuzzer):
    config.available_features.add("image-input-fuzzer")
    config.substitutions.append(("%image_input_fuzzer", image_fuzzer))
tensor_fuzzer = os.path.join(config.quantc_obj_root, "tools",
                             "tensor-file-fuzzer", "tensor-file-fuzzer")
if os.path.isfile(tensor_fuzzer):
    config.available_features.add("tensor-file-fuzzer")
    config.substitutions.append(("%tensor_file_fuzzer", tensor_fuzzer))

config.substitutions.append(("%quant_opt",
                             os.path.join(config.quantc_tools_dir, "quant-opt")))
config.substitutions.append(("%mlir_runner",
                             os.path.join(config.llvm_tools_dir, "mlir-runner")))
llvm_lib_dir = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")
config.substitutions.append(("%runner_libs", ",".join(
    os.path.join(llvm_lib_dir, lib)
    for lib in ["libmlir_runner_utils.so", "libmlir_c_runner_utils.so"])))

ort_dir = os.path.join(config.quantc_src_root, "third_party", "npm",
                       "node_modules", "onnxruntime-node")
if os.path.isdir(ort_dir) and shutil.which("node"):
    config.available_features.add("onnxruntime")
    config.substitutions.append(("%ort_dir", ort_dir))
# The Python package in the build tree, and pytest to run its tests.
python_package = os.path.join(config.quantc_obj_root, "python")
config.substitutions.append(("%quantc_python", python_package))
if os.path.isdir(os.path.join(python_package, "quantc")) and \
        subprocess.run(["/usr/bin/python3", "-c", "import pytest"],
                       capture_output=True).returncode == 0:
    config.available_features.add("python-package")
config.substitutions.append(("%capi_test", os.path.join(
    config.quantc_obj_root, "test", "CAPI", "quantc-capi-test")))
config.substitutions.append(("%quantc_driver",
                             os.path.join(config.quantc_tools_dir, "quantc")))

config.substitutions.append(("%cc", shutil.which("clang-22") or "cc"))
# The CUDA toolkit's assembler checks the PTX quantc writes.
# Headless Chromium renders the HTML reports (scripts/install-deps.sh).
if shutil.which("chromium"):
    config.available_features.add("chromium")
    config.substitutions.append(("%chromium", shutil.which("chromium")))

if shutil.which("ptxas"):
    config.available_features.add("ptxas")
# The CUDA toolkit's cuda.h checks the GPU runtime's declarations.
for cuda_include in ["/usr/local/cuda/include", "/usr/include"]:
    if os.path.exists(os.path.join(cuda_include, "cuda.h")):
        config.available_features.add("cuda-headers")
        config.substitutions.append(("%cuda_include", cuda_include))
        break
# An NVIDIA GPU and its driver run the objects compiled for nvptx-sm*.
def has_cuda_gpu():
    import ctypes
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
        count = ctypes.c_int(0)
        return (cuda.cuInit(0) == 0 and
                cuda.cuDeviceGetCount(ctypes.byref(count)) == 0 and
                count.value > 0)
    except OSError:
        return False
if has_cuda_gpu():
    config.available_features.add("cuda-gpu")
# The host runs AVX-512 VNNI (and AMX) kernels.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        cpu_flags = cpuinfo.read().split()
        if "avx512_vnni" in cpu_flags:
            config.available_features.add("avx512vnni")
        if "avx2" in cpu_flags:
            config.available_features.add("avx2")
        # AMX tiles (Sapphire Rapids and later): the x86_64-amx kernels run.
        if "amx_int8" in cpu_flags and "amx_tile" in cpu_flags:
            config.available_features.add("amx")
except OSError:
    pass
# AArch64 objects link with Debian's cross gcc and run under qemu-user.
aarch64_cc = shutil.which("aarch64-linux-gnu-gcc")
qemu_aarch64 = shutil.which("qemu-aarch64")
if aarch64_cc and qemu_aarch64:
    config.available_features.add("aarch64-qemu")
    config.substitutions.append(("%aarch64_cc", aarch64_cc))
    config.substitutions.append(("%qemu_aarch64", qemu_aarch64))
# Objects compiled with --threads link LLVM's OpenMP runtime.
libomp_dir = "/usr/lib/llvm-22/lib"
if os.path.exists(os.path.join(libomp_dir, "libomp.so")):
    config.available_features.add("libomp")
    config.substitutions.append(
        ("%libomp", "-L%s -lomp -Wl,-rpath,%s" % (libomp_dir, libomp_dir)))
config.substitutions.append(("%quantc_runtime",
                             os.path.join(config.quantc_obj_root, "lib",
                                          "libquantc_runtime.a")))
