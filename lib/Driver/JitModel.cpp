//===- JitModel.cpp - run a qc module through MLIR's ExecutionEngine ------===//
//
// Part of quantc. `main` gets `llvm.emit_c_interface`, so the JIT exposes
// `_mlir_ciface_main(results*, inputs*...)` where every memref is a
// descriptor {allocated, aligned, offset, sizes[R], strides[R]} of 64-bit
// fields; results come back in one struct of descriptors.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/JitModel.h"

#include "quantc_runtime.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include "quantc/Conversion/Passes.h"
#include "quantc/Support/WideVectors.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/ScopedPrinter.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <chrono>

using namespace mlir;
using namespace quantc;

namespace {
/// A memref descriptor of any rank as 64-bit words.
struct Descriptor {
  static std::vector<int64_t> forArray(const HostArray &array) {
    size_t rank = array.shape.size();
    std::vector<int64_t> words(3 + 2 * rank);
    auto *data = const_cast<char *>(array.address());
    words[0] = words[1] = reinterpret_cast<int64_t>(data);
    words[2] = 0;
    int64_t stride = 1;
    for (size_t d = rank; d-- > 0;) {
      words[3 + d] = array.shape[d];
      words[3 + rank + d] = stride;
      stride *= array.shape[d];
    }
    return words;
  }
  static size_t words(int64_t rank) { return 3 + 2 * rank; }
};

/// The profile of the model running on this thread (compiled with
/// `profile`), as quantc_profile_enter / _exit record it.
using ProfileClock = std::chrono::steady_clock;
thread_local std::vector<JitModel::ProfileSite> *activeProfile = nullptr;
thread_local std::vector<ProfileClock::time_point> siteStart;

extern "C" void quantcProfileEnter(int64_t site) {
  siteStart[site] = ProfileClock::now();
}

extern "C" void quantcProfileExit(int64_t site) {
  JitModel::ProfileSite &entry = (*activeProfile)[site];
  entry.seconds +=
      std::chrono::duration<double>(ProfileClock::now() - siteStart[site])
          .count();
  ++entry.calls;
}
} // namespace

JitModel::~JitModel() = default;

/// The host element type of an MLIR element type (signless integers
/// unsigned with `isUnsigned`), or none.
static std::optional<ElementType> hostElementType(Type type, bool isUnsigned) {
  if (type.isF32())
    return ElementType::F32;
  if (type.isF64())
    return ElementType::F64;
  if (type.isF16())
    return ElementType::F16;
  switch (type.isSignlessInteger() ? type.getIntOrFloatBitWidth() : 0) {
  case 1:
    return ElementType::Bool;
  case 8:
    return isUnsigned ? ElementType::U8 : ElementType::I8;
  case 16:
    return isUnsigned ? ElementType::U16 : ElementType::I16;
  case 32:
    return isUnsigned ? ElementType::U32 : ElementType::I32;
  case 64:
    return isUnsigned ? ElementType::U64 : ElementType::I64;
  default:
    return std::nullopt;
  }
}

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

/// The generated GEMM kernels this CPU runs ("" when none).
static llvm::StringRef hostGemmKernels() {
  llvm::Triple host(llvm::sys::getProcessTriple());
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (host.getArch() == llvm::Triple::x86_64 && features.lookup("amx-int8") &&
      features.lookup("amx-tile"))
    return "amx";
  if (host.getArch() == llvm::Triple::x86_64 && features.lookup("avx512vnni"))
    return "avx512vnni";
  if (host.getArch() == llvm::Triple::x86_64 && features.lookup("avx2"))
    return "avx2";
  if (host.getArch() == llvm::Triple::aarch64 && features.lookup("i8mm"))
    return "neon-i8mm";
  if (host.getArch() == llvm::Triple::aarch64 && features.lookup("dotprod"))
    return "neon-dot";
  return "";
}

/// Whether this CPU runs AVX-512 (masked 16-lane chunks, 512-bit loops).
static bool hostHasAvx512() {
  llvm::Triple host(llvm::sys::getProcessTriple());
  return host.getArch() == llvm::Triple::x86_64 &&
         llvm::sys::getHostCPUFeatures().lookup("avx512f");
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
quantc::hostTargetMachine() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto host = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!host)
    return host.takeError();
  return host->createTargetMachine();
}

llvm::Expected<std::unique_ptr<JitModel>>
JitModel::compile(ModuleOp module, llvm::ArrayRef<HostSymbol> symbols) {
  return compile(module, symbols, Options());
}

llvm::Expected<std::unique_ptr<JitModel>>
JitModel::compile(ModuleOp module, llvm::ArrayRef<HostSymbol> symbols,
                  const Options &jit) {
  MLIRContext *context = module.getContext();
  if (jit.threads < 0)
    return error("the thread count must be 0 (OpenMP chooses) or positive, "
                 "got " +
                 llvm::Twine(jit.threads));
  if (jit.threads != 1 && jit.emulateGpu)
    return error("threads apply to CPU code, not to emulated GPU kernels");
  if (jit.threads != 1 && !llvm::sys::fs::exists(QUANTC_LIBOMP))
    return error(llvm::Twine("threads need LLVM's OpenMP runtime, ") +
                 QUANTC_LIBOMP +
                 ", which is not installed (Debian: "
                 "libomp-22-dev)");
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return error("the module has no function @main");
  std::unique_ptr<JitModel> model(new JitModel());
  for (bool results : {false, true}) {
    ArrayRef<Type> types =
        results ? main.getResultTypes() : main.getArgumentTypes();
    for (auto [i, type] : llvm::enumerate(types)) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      bool isUnsigned = results ? bool(main.getResultAttr(i, "onnx.unsigned"))
                                : bool(main.getArgAttr(i, "onnx.unsigned"));
      std::optional<ElementType> element =
          tensor && tensor.hasStaticShape()
              ? hostElementType(tensor.getElementType(), isUnsigned)
              : std::nullopt;
      if (!element)
        return error("@main must take and return static tensors of numeric "
                     "element types, got a value of type " +
                     llvm::Twine(llvm::to_string(type)));
      (results ? model->outputs : model->inputs).push_back(tensor);
      (results ? model->outputElements : model->inputElements)
          .push_back(*element);
    }
  }
  for (unsigned i = 0; i < main.getNumArguments(); ++i) {
    auto name = main.getArgAttrOfType<StringAttr>(i, "onnx.name");
    model->inputNameList.push_back(name ? name.str()
                                        : "input" + std::to_string(i));
  }
  for (unsigned i = 0; i < main.getNumResults(); ++i) {
    auto name = main.getResultAttrOfType<StringAttr>(i, "onnx.name");
    model->outputNameList.push_back(name ? name.str()
                                         : "output" + std::to_string(i));
  }
  main->setAttr("llvm.emit_c_interface", UnitAttr::get(context));

  PassManager pm(context);
  if (jit.emulateGpu) {
    QCLowerToGPUOptions gpu;
    gpu.emulate = true;
    gpu.runtimeAllocator = true;
    buildQCLowerToGPUPipeline(pm, gpu);
  } else {
    QCLowerToLLVMOptions lowering;
    lowering.gemmKernels = jit.gemmKernels ? hostGemmKernels().str() : "";
    lowering.directConv = jit.directConv;
    lowering.maskedLanes = hostHasAvx512() ? 16 : 0;
    lowering.runtimeAllocator = true;
    lowering.profile = jit.profile;
    lowering.threads = jit.threads;
    lowering.panelGroupKiB = jit.gemmBlocking.panelGroupKiB;
    lowering.blockColumns = jit.gemmBlocking.blockColumns;
    buildQCLowerToLLVMPipeline(pm, lowering);
  }
  if (failed(pm.run(module)))
    return error("lowering to LLVM failed (see the diagnostics above)");
  module->walk([&](omp::ParallelOp) { ++model->parallelRegionCount; });
  if (auto sites = module->getAttrOfType<ArrayAttr>("quantc.profile_sites"))
    for (auto site : sites.getAsValueRange<StringAttr>()) {
      auto [name, callee] = site.rsplit('|');
      model->profileSites.push_back({name.str(), callee.str()});
    }

  registerBuiltinDialectTranslation(*context);
  registerLLVMDialectTranslation(*context);
  registerOpenMPDialectTranslation(*context);
  auto machine = hostTargetMachine();
  if (!machine)
    return machine.takeError();
  // `transformer` is a function_ref: keep the function alive here.
  std::function<llvm::Error(llvm::Module *)> optimizeAtO3 =
      makeOptimizingTransformer(3, 0, machine->get());
  bool wideVectors = hostHasAvx512();
  std::function<llvm::Error(llvm::Module *)> optimize =
      [&](llvm::Module *llvmModule) {
        if (wideVectors)
          preferWideVectors(*llvmModule);
        return optimizeAtO3(llvmModule);
      };
  ExecutionEngineOptions options;
  options.transformer = optimize;
  // Strided memref copies call memrefCopy from MLIR's C runner utilities;
  // parallel loops call libomp.
  SmallVector<llvm::StringRef> runtimeLibs = {QUANTC_MLIR_C_RUNNER_UTILS};
  if (jit.threads != 1)
    runtimeLibs.push_back(QUANTC_LIBOMP);
  options.sharedLibPaths = runtimeLibs;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine)
    return engine.takeError();
  model->engine = std::move(*engine);
  // Buffers come from libquantc_runtime's allocator, as in objects.
  SmallVector<HostSymbol> allSymbols(symbols.begin(), symbols.end());
  allSymbols.push_back({"_mlir_memref_to_llvm_alloc",
                        reinterpret_cast<void *>(&_mlir_memref_to_llvm_alloc)});
  allSymbols.push_back(
      {"_mlir_memref_to_llvm_aligned_alloc",
       reinterpret_cast<void *>(&_mlir_memref_to_llvm_aligned_alloc)});
  allSymbols.push_back({"_mlir_memref_to_llvm_free",
                        reinterpret_cast<void *>(&_mlir_memref_to_llvm_free)});
  // AMX kernels ask for the tile state on entry.
  allSymbols.push_back(
      {"quantc_amx_enable", reinterpret_cast<void *>(&quantc_amx_enable)});
  if (!model->profileSites.empty()) {
    allSymbols.push_back({"quantc_profile_enter",
                          reinterpret_cast<void *>(&quantcProfileEnter)});
    allSymbols.push_back(
        {"quantc_profile_exit", reinterpret_cast<void *>(&quantcProfileExit)});
  }
  model->engine->registerSymbols([&](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap map;
    for (const HostSymbol &symbol : allSymbols)
      map[interner(symbol.name)] = {
          llvm::orc::ExecutorAddr::fromPtr(symbol.address),
          llvm::JITSymbolFlags::Exported};
    return map;
  });
  return model;
}

llvm::Expected<std::vector<HostArray>>
JitModel::run(llvm::ArrayRef<HostArray> arrays) {
  if (arrays.size() != inputs.size())
    return error("the model takes " + llvm::Twine(inputs.size()) +
                 " inputs, got " + llvm::Twine(arrays.size()));
  std::vector<std::vector<int64_t>> inputDescs;
  // Inputs of another element type, converted (kept alive for the call).
  std::vector<HostArray> converted;
  converted.reserve(arrays.size());
  for (auto [i, array] : llvm::enumerate(arrays)) {
    if (llvm::ArrayRef(array.shape) != inputs[i].getShape())
      return error("input " + llvm::Twine(i) + " has the wrong shape");
    const HostArray *given = &array;
    if (array.type != inputElements[i]) {
      converted.push_back(array.convertTo(inputElements[i]));
      given = &converted.back();
    }
    inputDescs.push_back(Descriptor::forArray(*given));
  }
  size_t resultWords = 0;
  for (RankedTensorType type : outputs)
    resultWords += Descriptor::words(type.getRank());
  std::vector<int64_t> results(resultWords);
  void *resultPtr = results.data();
  std::vector<void *> descPtrs;
  for (auto &desc : inputDescs)
    descPtrs.push_back(desc.data());
  llvm::SmallVector<void *> args = {&resultPtr};
  for (void *&ptr : descPtrs)
    args.push_back(&ptr);
  activeProfile = &profileSites;
  siteStart.resize(profileSites.size());
  llvm::Error err = engine->invokePacked("_mlir_ciface_main", args);
  activeProfile = nullptr;
  if (err)
    return std::move(err);

  std::vector<HostArray> outputsData;
  llvm::SmallPtrSet<void *, 8> owned;
  size_t at = 0;
  for (auto [type, element] : llvm::zip_equal(outputs, outputElements)) {
    int64_t rank = type.getRank();
    const int64_t *desc = &results[at];
    at += Descriptor::words(rank);
    HostArray array = HostArray::zeros(element, type.getShape());
    size_t width = elementSize(element);
    const char *base =
        reinterpret_cast<const char *>(desc[1]) + desc[2] * width;
    // Copy with the descriptor's strides (results need not be contiguous).
    gatherStrided(base, width, llvm::ArrayRef(desc + 3, rank),
                  llvm::ArrayRef(desc + 3 + rank, rank), array.address());
    owned.insert(reinterpret_cast<void *>(desc[0]));
    outputsData.push_back(std::move(array));
  }
  // The model allocated them for the caller (its deallocation pipeline
  // makes every returned buffer owned). Results may share one buffer (a
  // tensor returned twice, or a reshaped view of another result): each is
  // freed once, after every result has been read.
  for (void *allocation : owned)
    _mlir_memref_to_llvm_free(allocation);
  return outputsData;
}

void JitModel::resetProfile() {
  for (ProfileSite &site : profileSites) {
    site.seconds = 0;
    site.calls = 0;
  }
}
