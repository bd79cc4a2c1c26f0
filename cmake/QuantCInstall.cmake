#===- QuantCInstall.cmake - quantc as an installable package --*- cmake -*-===#
#
# `cmake --install build --prefix P` puts quantc's headers (the generated
# .inc files too), libraries, tools, the runtime and
# P/lib/cmake/QuantC/QuantCConfig.cmake there. Another compiler then writes
#
#   find_package(QuantC CONFIG REQUIRED)   # finds MLIR/LLVM 22 as well
#   target_link_libraries(my-opt PRIVATE QuantC::QuantC)
#
# and can register every quantc dialect and pass, import ONNX and run any
# quantc pipeline. Each library is also there alone, as QuantC::<library>.
#
#===----------------------------------------------------------------------===#

include(CMakePackageConfigHelpers)

# Every library, lowest layer first (utils/check_layering.py keeps the
# order honest).
set(QUANTC_LIBRARIES
  QuantCCalibrationMath QuantCKernels QuantCQCDialect QuantCQCTransforms
  QuantCTransforms QuantCGemmKernels QuantCQCToLinalg QuantCPipelines
  QuantCONNXImport QuantCONNXExport QuantCObjectEmitter QuantCDriver
  QuantCCalibration
  QuantCCompiler QuantCInitAll)

foreach(library ${QUANTC_LIBRARIES})
  target_include_directories(${library} PUBLIC
    $<INSTALL_INTERFACE:include>)
endforeach()

# The umbrella: linking it registers, imports and runs everything.
add_library(QuantC INTERFACE)
target_link_libraries(QuantC INTERFACE ${QUANTC_LIBRARIES})
target_include_directories(QuantC INTERFACE
  $<BUILD_INTERFACE:${QUANTC_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${QUANTC_BINARY_DIR}/include>
  $<INSTALL_INTERFACE:include>)

# add_mlir_library installs each library into the export set MLIRTargets;
# the targets below join it, and it is written out as QuantCTargets.cmake
# under the QuantC:: namespace (never as MLIR's own MLIRTargets.cmake).
install(TARGETS QuantC QuantCONNXProto quantc_runtime
  EXPORT MLIRTargets
  ARCHIVE DESTINATION lib
  LIBRARY DESTINATION lib
  INCLUDES DESTINATION include)
install(TARGETS quantc quant-opt quant-translate RUNTIME DESTINATION bin)

install(DIRECTORY ${QUANTC_SOURCE_DIR}/include/quantc
  DESTINATION include
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${QUANTC_BINARY_DIR}/include/quantc
  DESTINATION include
  FILES_MATCHING PATTERN "*.inc" REGEX "/CMakeFiles$" EXCLUDE)
install(FILES ${QUANTC_SOURCE_DIR}/runtime/quantc_runtime.h
  DESTINATION include)

install(EXPORT MLIRTargets
  NAMESPACE QuantC::
  FILE QuantCTargets.cmake
  DESTINATION lib/cmake/QuantC)

configure_package_config_file(
  ${QUANTC_SOURCE_DIR}/cmake/QuantCConfig.cmake.in
  ${QUANTC_BINARY_DIR}/lib/cmake/QuantC/QuantCConfig.cmake
  INSTALL_DESTINATION lib/cmake/QuantC)
write_basic_package_version_file(
  ${QUANTC_BINARY_DIR}/lib/cmake/QuantC/QuantCConfigVersion.cmake
  VERSION ${QUANTC_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${QUANTC_BINARY_DIR}/lib/cmake/QuantC/QuantCConfig.cmake
  ${QUANTC_BINARY_DIR}/lib/cmake/QuantC/QuantCConfigVersion.cmake
  DESTINATION lib/cmake/QuantC)
