#!/usr/bin/env python3
"""Checks that quantc's libraries depend only downward: every file under
lib/<layer> and include/quantc/<layer> may include quantc headers of its
own layer or a lower one, never a higher one, and every library defined in
lib/<layer>/CMakeLists.txt links only QuantC libraries of its own layer or
lower ones. InitAll (every dialect and pass) is for tools and embedders: no
library includes or links it.

usage: check_layering.py SOURCE_ROOT
Prints one line per violation and exits 1, or a summary and exits 0.
"""
import os
import re
import sys

# Lowest first. A path belongs to the last (most specific) prefix matching
# it, so Calibration's pure math can sit below the dialect while the
# calibration driver sits above the JIT.
LAYERS = [
    ("Kernels", ["Kernels"]),
    ("CalibrationMath", ["Calibration/RangeSelection", "Calibration/Statistics",
                         "Calibration/WeightQuantization"]),
    ("Dialect/QC/IR", ["Dialect/QC/IR"]),
    ("Dialect/QC/Transforms", ["Dialect/QC/Transforms"]),
    ("Transforms", ["Transforms"]),
    ("Conversion", ["Conversion"]),
    ("Target", ["Target"]),
    ("Driver", ["Driver"]),
    ("Calibration", ["Calibration/Calibrator", "Calibration/PrecisionSearch",
                     "Calibration/SwitchedModel"]),
    ("MixedPrecision", ["MixedPrecision"]),
    ("Compiler", ["Compiler"]),
    ("InitAll", ["InitAll"]),
    ("CAPI", ["CAPI"]),
]

# The qc dialect and its rewrites work on tensors of qc ops: code generation
# (LLVM, vector and target dialects, GPU, translation, the JIT) belongs to
# Conversion and Target.
CODEGEN_HEADERS = ("mlir/Dialect/LLVMIR", "mlir/Dialect/ArmNeon",
                   "mlir/Dialect/X86Vector", "mlir/Dialect/AMX",
                   "mlir/Dialect/Vector", "mlir/Dialect/GPU",
                   "mlir/Target", "mlir/ExecutionEngine")
NO_CODEGEN = ("Dialect/QC/IR", "Dialect/QC/Transforms")
UPSTREAM = re.compile(r'^\s*#\s*include\s+"(mlir/[^"]+)"', re.M)

INCLUDE = re.compile(r'^\s*#\s*include\s+"quantc/([^"]+)"', re.M)


def layer_of(relative):
    """(rank, name) of a path relative to lib/ or include/quantc/."""
    best = None
    for rank, (name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if relative == prefix or relative.startswith(prefix + "/") or \
                    relative.startswith(prefix + "."):
                if best is None or len(prefix) > best[2]:
                    best = (rank, name, len(prefix))
    return best[:2] if best else None


LIBRARY = re.compile(r"add_mlir_(?:dialect_|conversion_)?library\(\s*(\w+)"
                     r"(.*?)\n\s*\)", re.S)


def library_layers(root):
    """{library: (rank, name, link libraries)} from lib/**/CMakeLists.txt."""
    libraries = {}
    top = os.path.join(root, "lib")
    for folder, _, names in os.walk(top):
        if "CMakeLists.txt" not in names:
            continue
        relative = os.path.relpath(folder, top)
        text = open(os.path.join(folder, "CMakeLists.txt")).read()
        for name, body in LIBRARY.findall(text):
            # A folder holding two layers (Calibration) names each library's
            # layer by its first source file.
            first = re.search(r"(\w+)\.cpp", body)
            own = layer_of(relative + "/" + first.group(1)) if first else None
            own = own or layer_of(relative)
            links = body.split("LINK_LIBS", 1)[1] if "LINK_LIBS" in body else ""
            libraries[name] = (own, re.findall(r"\bQuantC\w+", links))
    return libraries


def link_violations(root):
    libraries = library_layers(root)
    out = []
    for name, (own, links) in sorted(libraries.items()):
        for link in links:
            target = libraries.get(link, (None,))[0]
            if own and target and target[0] > own[0]:
                out.append("%s (%s, layer %d) links %s (%s, layer %d)"
                           % (name, own[1], own[0], link, target[1],
                              target[0]))
    return out, len(libraries)


def main(root):
    violations, files = [], 0
    for base in ("lib", os.path.join("include", "quantc")):
        top = os.path.join(root, base)
        for folder, _, names in os.walk(top):
            for name in sorted(names):
                if not name.endswith((".h", ".cpp", ".td")):
                    continue
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, top)
                own = layer_of(relative)
                if own is None:
                    continue
                files += 1
                text = open(path, encoding="utf-8", errors="replace").read()
                if own[1] in NO_CODEGEN:
                    for header in UPSTREAM.findall(text):
                        if header.startswith(CODEGEN_HEADERS):
                            violations.append(
                                "%s includes %s: code generation does not "
                                "belong in %s" % (os.path.join(base, relative),
                                                  header, own[1]))
                for header in INCLUDE.findall(text):
                    target = layer_of(header)
                    if target and target[0] > own[0]:
                        violations.append(
                            "%s includes quantc/%s (%s, layer %d) from %s "
                            "(layer %d)" % (os.path.join(base, relative),
                                            header, target[1], target[0],
                                            own[1], own[0]))
    links, libraries = link_violations(root)
    violations += links
    for line in violations:
        print(line)
    if violations:
        return 1
    print("layering: %d files and %d libraries, every quantc include and "
          "link points down" % (files, libraries))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
