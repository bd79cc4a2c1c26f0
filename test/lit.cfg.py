# -*- Python -*-
# lit configuration for quantc's regression tests.

import os

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
config.substitutions.append(("%mlir_include", config.mlir_include_dir))
config.substitutions.append(("%onnx_proto_dir", "/usr/include/onnx"))

llvm_config.use_default_substitutions()
llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])

tool_dirs = [config.quantc_tools_dir, config.llvm_tools_dir, "/usr/bin"]
tools = [
    "quant-opt",
    "quant-translate",
    "mlir-tblgen",
    "not",
    ToolSubst("protoc", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)
