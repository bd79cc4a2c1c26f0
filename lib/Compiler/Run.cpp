//===- Run.cpp - the run, calibrate and kernel flows ----------------------===//
//
// Part of quantc.
//
//===----------------------------------------------------------------------===//

#include "quantc/Compiler/Run.h"

#include "quantc/Driver/HostArray.h"
#include "quantc/Target/Object/KernelObject.h"
#include "quantc/Target/Object/TargetSpec.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <chrono>
#include <numeric>

using namespace quantc;

static llvm::Error runError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

namespace {
/// A model input with its samples (one for a file).
struct Samples {
  std::string name;
  std::vector<std::string> files;
  bool folder = false;
};
} // namespace

static llvm::Expected<std::vector<Samples>>
listInputs(llvm::ArrayRef<RunInput> inputs, ModelOptions &model) {
  std::vector<Samples> given;
  for (const RunInput &input : inputs) {
    if (input.name.empty() || input.path.empty())
      return runError("--input expects NAME=FILE or NAME=DIR, got '" +
                      input.name + "=" + input.path + "'");
    Samples samples{
        input.name, {input.path}, llvm::sys::fs::is_directory(input.path)};
    if (samples.folder) {
      auto files = listSampleFiles(input.path);
      if (!files)
        return files.takeError();
      samples.files = std::move(*files);
    }
    if (!given.empty() && (samples.folder != given.front().folder ||
                           samples.files.size() != given.front().files.size()))
      return runError("--input '" + input.name + "=" + input.path +
                      "': every input must be a file, or every input a "
                      "folder with as many samples as the first");
    if (llvm::Error err =
            inferInputShape(input.name, samples.files.front(), model))
      return std::move(err);
    given.push_back(std::move(samples));
  }
  return given;
}

/// The profiled calls summed per layer name (per callee where a call has
/// no name), slowest first, per run.
static RunProfile summarizeProfile(llvm::ArrayRef<JitModel::ProfileSite> sites,
                                   int64_t runs, double seconds) {
  RunProfile profile;
  profile.runs = runs;
  profile.totalMs = seconds * 1000 / double(runs);
  std::vector<ProfileEntry> entries;
  llvm::StringMap<size_t> index;
  for (const JitModel::ProfileSite &site : sites) {
    std::string key = site.name.empty() ? site.callee : site.name;
    auto [at, added] = index.try_emplace(key, entries.size());
    if (added) {
      entries.emplace_back();
      entries.back().name = key;
    }
    ProfileEntry &entry = entries[at->second];
    // Outlined loop nests are "<function>_nest<N>"; anything else a call
    // makes is a kernel.
    std::string kind =
        llvm::StringRef(site.callee).contains("_nest") ? "nest" : "kernel";
    if (entry.kind.empty())
      entry.kind = kind;
    else if (entry.kind != kind)
      entry.kind = "nest+kernel";
    double ms = site.seconds * 1000 / double(runs);
    entry.parts.emplace_back(site.callee, ms);
    entry.ms += ms;
    entry.calls += site.calls / runs;
    profile.callsMs += ms;
  }
  llvm::stable_sort(entries, [](const ProfileEntry &a, const ProfileEntry &b) {
    return a.ms > b.ms;
  });
  profile.entries = std::move(entries);
  return profile;
}

/// <dir>/profile.json: every entry of the profile.
static llvm::Error writeProfile(const RunProfile &profile, llvm::StringRef dir,
                                RunResult &result) {
  llvm::json::Array entries;
  for (const ProfileEntry &entry : profile.entries) {
    llvm::json::Array parts;
    for (const auto &[callee, ms] : entry.parts)
      parts.push_back(llvm::json::Object{{"callee", callee}, {"ms", ms}});
    entries.push_back(llvm::json::Object{{"name", entry.name},
                                         {"ms", entry.ms},
                                         {"calls", entry.calls},
                                         {"kind", entry.kind},
                                         {"parts", std::move(parts)}});
  }
  llvm::json::Object object{{"runs", profile.runs},
                            {"total_ms", profile.totalMs},
                            {"calls_ms", profile.callsMs},
                            {"entries", std::move(entries)}};
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "profile.json");
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  if (ec)
    return runError("cannot write '" + path + "': " + ec.message());
  out << llvm::formatv("{0:2}", llvm::json::Value(std::move(object))) << "\n";
  result.written.push_back(path.str().str());
  return llvm::Error::success();
}

/// Writes the outputs of sample `index` (see RunOptions::outputDir).
static llvm::Error writeOutputs(const JitModel &model,
                                llvm::ArrayRef<HostArray> outputs,
                                const Samples *batch, size_t index,
                                llvm::StringRef dir, RunResult &result) {
  for (auto [name, array] : llvm::zip_equal(model.outputNames(), outputs)) {
    llvm::SmallString<256> path(dir);
    if (batch) {
      llvm::sys::path::append(path, safeFileName(name));
      if (std::error_code ec = llvm::sys::fs::create_directories(path))
        return runError("cannot create '" + path + "': " + ec.message());
      llvm::sys::path::append(path, llvm::sys::path::stem(batch->files[index]) +
                                        ".npy");
    } else {
      llvm::sys::path::append(path, safeFileName(name) + ".npy");
    }
    if (llvm::Error err = writeNpy(path, array))
      return err;
    if (!batch)
      result.written.push_back(path.str().str());
  }
  return llvm::Error::success();
}

llvm::Expected<RunResult> quantc::runModel(const CompileOptions &compile,
                                           const RunOptions &run) {
  CompileOptions options = compile;
  if (llvm::Error err = validateOptions(options))
    return std::move(err);
  auto given = listInputs(run.inputs, options.model);
  if (!given)
    return given.takeError();
  std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
  auto module = importModel(*context, options.model);
  if (!module)
    return module.takeError();
  if (llvm::Error err = requireStaticInputs(**module))
    return std::move(err);
  RunResult result;
  if (!options.quantization.calibration.empty()) {
    auto summary = quantizeModel(**module, options);
    if (!summary)
      return summary.takeError();
    result.quantization = std::move(*summary);
  }

  // Inputs in argument order; every model input needs one.
  auto main = (*module)->lookupSymbol<mlir::func::FuncOp>("main");
  std::vector<const Samples *> ordered;
  std::vector<llvm::SmallVector<int64_t>> shapes;
  for (unsigned i = 0; i < main.getNumArguments(); ++i) {
    std::string key = inputName(**module, i);
    auto it = llvm::find_if(*given,
                            [&](const Samples &in) { return in.name == key; });
    if (it == given->end())
      return runError("no --input for model input '" + key + "'");
    ordered.push_back(&*it);
    shapes.emplace_back(
        llvm::cast<mlir::RankedTensorType>(main.getArgumentTypes()[i])
            .getShape());
  }

  auto model = compileForJit(**module, options.target, run.profile);
  if (!model)
    return model.takeError();
  result.serialDespiteThreads = options.target.threads != 1 &&
                                !options.target.emulateGpu &&
                                (*model)->parallelRegions() == 0;
  if (std::error_code ec = llvm::sys::fs::create_directories(run.outputDir))
    return runError("cannot create '" + run.outputDir + "': " + ec.message());
  // A model without inputs runs once.
  const Samples *batch =
      !given->empty() && given->front().folder ? &given->front() : nullptr;
  result.batch = batch != nullptr;
  result.samples = given->empty() ? 1 : given->front().files.size();
  ProgressCounter progress(batch ? options.progress : ProgressCallback(),
                           "running", result.samples);
  std::vector<HostArray> inputs;
  double sampleSeconds = 0;
  for (size_t index = 0; index < result.samples; ++index) {
    inputs.clear();
    for (auto [input, shape, element] :
         llvm::zip_equal(ordered, shapes, (*model)->inputElementTypes())) {
      auto array = readSample(input->files[index], shape,
                              options.model.preprocessing, element);
      if (!array)
        return array.takeError();
      inputs.push_back(std::move(*array));
    }
    auto started = std::chrono::steady_clock::now();
    auto outputs = (*model)->run(inputs);
    sampleSeconds += std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - started)
                         .count();
    if (!outputs)
      return outputs.takeError();
    if (llvm::Error err = writeOutputs(**model, *outputs, batch, index,
                                       run.outputDir, result))
      return std::move(err);
    progress.step();
  }
  // The profile covers the benchmark runs when there are some.
  int64_t profiledRuns = int64_t(result.samples);
  double profiledSeconds = sampleSeconds;
  if (run.benchmarkRuns) {
    (*model)->resetProfile();
    std::vector<double> runMs;
    for (unsigned i = 0; i < run.benchmarkRuns; ++i) {
      auto start = std::chrono::steady_clock::now();
      if (auto again = (*model)->run(inputs); !again)
        return again.takeError();
      runMs.push_back(std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count());
    }
    profiledRuns = run.benchmarkRuns;
    profiledSeconds = std::accumulate(runMs.begin(), runMs.end(), 0.0) / 1000;
    result.latencyMs = profiledSeconds * 1000 / run.benchmarkRuns;
    std::sort(runMs.begin(), runMs.end());
    size_t middle = runMs.size() / 2;
    result.medianLatencyMs = runMs.size() % 2
                                 ? runMs[middle]
                                 : (runMs[middle - 1] + runMs[middle]) / 2;
  }
  if (run.profile) {
    result.profile =
        summarizeProfile((*model)->profile(), profiledRuns, profiledSeconds);
    if (llvm::Error err = writeProfile(*result.profile, run.outputDir, result))
      return std::move(err);
  }
  return result;
}

llvm::Expected<CalibrationResult>
quantc::calibrateToCache(const CompileOptions &compile, llvm::StringRef folder,
                         llvm::StringRef cachePath) {
  CompileOptions options = compile;
  auto samples = listSampleFiles(folder);
  if (!samples)
    return samples.takeError();
  std::unique_ptr<mlir::MLIRContext> context = createCompilerContext();
  auto module = importModel(*context, options.model);
  if (!module)
    return module.takeError();
  // A single input without a given shape: the first sample fixes it.
  auto main = (*module)->lookupSymbol<mlir::func::FuncOp>("main");
  if (main && main.getNumArguments() == 1 &&
      options.model.onnx.inputShapes.empty()) {
    if (llvm::Error err = inferInputShape(inputName(**module, 0),
                                          samples->front(), options.model))
      return std::move(err);
    if (!options.model.onnx.inputShapes.empty())
      module = importModel(*context, options.model);
    if (!module)
      return module.takeError();
  }
  if (llvm::Error err = requireStaticInputs(**module))
    return std::move(err);
  if (auto folded = prepareModel(**module, options.quantization); !folded)
    return folded.takeError();
  auto result = calibrateModel(**module, folder, options);
  if (!result)
    return result.takeError();
  if (llvm::Error err =
          writeCalibrationCache(*result, cachePath, options.model.path))
    return std::move(err);
  return result;
}

llvm::Expected<std::vector<std::string>>
quantc::writeGemmKernel(llvm::StringRef kind, llvm::StringRef shapeText,
                        int64_t group, llvm::StringRef target,
                        llvm::StringRef dir, bool emulateTiles,
                        llvm::StringRef blockingRequest) {
  GemmShape shape;
  if (kind == "gemm-u8s4") {
    shape.format = WeightFormat::Int4;
    shape.groupSize = group;
  } else if (kind == "gemm-u8t2") {
    shape.format = WeightFormat::Ternary;
  } else if (kind != "gemm-u8s8") {
    return runError("unknown kernel '" + kind +
                    "'; expected gemm-u8s8, gemm-u8s4 or gemm-u8t2");
  }
  llvm::SmallVector<llvm::StringRef> dims;
  shapeText.split(dims, 'x');
  if (dims.size() != 3 || dims[0].getAsInteger(10, shape.m) ||
      dims[1].getAsInteger(10, shape.n) || dims[2].getAsInteger(10, shape.k))
    return runError("--shape expects MxNxK, got '" + shapeText + "'");
  std::optional<TargetSpec> spec = lookupTarget(target);
  if (!spec)
    return runError("unknown target '" + target + "'; expected host, native, " +
                    knownTargetNames());
  TargetOptions kernelTarget;
  kernelTarget.target = target.str();
  kernelTarget.gemmBlocking = blockingRequest.str();
  auto blocking = targetGemmBlocking(kernelTarget, *spec);
  if (!blocking)
    return blocking.takeError();
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return runError("cannot create '" + dir + "': " + ec.message());
  std::string symbol = gemmKernelSymbol(shape);
  llvm::SmallString<256> objectPath(dir), headerPath(dir);
  llvm::sys::path::append(objectPath, symbol + (spec->gpu ? ".ptx" : ".o"));
  llvm::sys::path::append(headerPath, symbol + ".h");
  llvm::SmallVector<char> object;
  llvm::raw_svector_ostream objectStream(object);
  std::string header;
  llvm::raw_string_ostream headerStream(header);
  if (llvm::Error err = emitGemmKernel(shape, *spec, objectStream, headerStream,
                                       emulateTiles, *blocking))
    return std::move(err);
  std::vector<std::string> written;
  for (auto [path, bytes] :
       {std::make_pair(llvm::StringRef(objectPath),
                       llvm::StringRef(object.data(), object.size())),
        std::make_pair(llvm::StringRef(headerPath), llvm::StringRef(header))}) {
    std::error_code ec;
    llvm::raw_fd_ostream file(path, ec, llvm::sys::fs::OF_None);
    if (ec)
      return runError("cannot write '" + path + "': " + ec.message());
    file << bytes;
    written.push_back(path.str());
  }
  return written;
}
