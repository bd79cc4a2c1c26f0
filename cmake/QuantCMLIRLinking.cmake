#===- QuantCMLIRLinking.cmake - shared or static MLIR ---------*- cmake -*-===#
#
# quantc links MLIR either as the one shared libMLIR.so (default: measured
# faster to build and relink, see docs/BuildSystem.md) or as the individual
# static libraries. Libraries and tools name the MLIR libraries they use via
# quantc_mlir_libs(); in dylib mode the list collapses to `MLIR LLVM`.
#
#===----------------------------------------------------------------------===#

# quantc_mlir_libs(<out-var> <MLIR library>...)
function(quantc_mlir_libs out)
  if(QUANTC_LINK_MLIR_DYLIB)
    # libMLIR.so does not carry libLLVM.so as a link dependency of its own.
    set(${out} MLIR LLVM PARENT_SCOPE)
  else()
    set(${out} ${ARGN} PARENT_SCOPE)
  endif()
endfunction()
