//===- ImageInput.cpp - sample files as model inputs ----------------------===//
//
// Part of quantc. Reading one sample (image or tensor) and listing a
// sample folder; decoding is in ImageDecode.cpp, preprocessing in
// ImagePreprocess.cpp.
//
//===----------------------------------------------------------------------===//

#include "quantc/Driver/ImageInput.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace quantc;
using llvm::StringRef;

static std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  return text;
}

llvm::Expected<HostArray> quantc::readSample(StringRef path,
                                             llvm::ArrayRef<int64_t> shape,
                                             const ImagePreprocessing &options,
                                             ElementType type) {
  if (isImageFile(path)) {
    if (type != ElementType::F32)
      return fileError(path, "an image feeds float32 inputs, but this input "
                             "is " +
                                 elementTypeName(type));
    llvm::Expected<Image> image = readImage(path);
    if (!image)
      return image.takeError();
    llvm::Expected<HostArray> array = preprocessImage(*image, shape, options);
    if (!array)
      return fileError(path, "cannot feed an input of shape " + shapeText(shape) +
                            ": " + llvm::toString(array.takeError()));
    return array;
  }
  llvm::Expected<HostArray> array = readTensorFile(path);
  if (!array)
    return array.takeError();
  if (llvm::ArrayRef(array->shape) != shape)
    return fileError(path, "has shape " + shapeText(array->shape) +
                          ", but the model's input is " + shapeText(shape));
  // Floats do not silently become integers: a token id or mask input takes
  // integer or bool data.
  if (isFloatingPoint(array->type) && !isFloatingPoint(type))
    return fileError(path, "holds " + elementTypeName(array->type) +
                               " values, but the model's input is " +
                               elementTypeName(type));
  return array->convertTo(type);
}

llvm::Expected<HostArray>
quantc::readCalibrationSample(StringRef path, llvm::ArrayRef<int64_t> shape,
                              const ImagePreprocessing &options,
                              ElementType type) {
  llvm::Expected<HostArray> sample = readSample(path, shape, options, type);
  if (!sample)
    return sample.takeError();
  for (size_t k = 0; k < sample->data.size(); ++k)
    if (!std::isfinite(sample->data[k]))
      return fileError(path, "holds a non-finite value (NaN or Inf) at "
                             "element " + llvm::Twine(k));
  return sample;
}

llvm::Expected<std::vector<HostArray>>
quantc::readCalibrationInputs(StringRef path,
                              llvm::ArrayRef<SampleInput> inputs,
                              const ImagePreprocessing &options) {
  std::vector<HostArray> arrays;
  if (!llvm::sys::fs::is_directory(path)) {
    if (inputs.size() != 1)
      return fileError(path, "the model has " + llvm::Twine(inputs.size()) +
                                 " inputs: a sample is a folder with one "
                                 "file per input (<name>.npy or .pb)");
    llvm::Expected<HostArray> sample =
        readCalibrationSample(path, inputs[0].shape, options, inputs[0].type);
    if (!sample)
      return sample.takeError();
    arrays.push_back(std::move(*sample));
    return arrays;
  }
  for (const SampleInput &input : inputs) {
    llvm::SmallString<256> file;
    for (StringRef extension : {".npy", ".pb"}) {
      file = path;
      llvm::sys::path::append(file, safeFileName(input.name) + extension);
      if (llvm::sys::fs::exists(file))
        break;
      file.clear();
    }
    if (file.empty())
      return fileError(path, "holds no file for input '" + input.name + "' (" +
                                 safeFileName(input.name) + ".npy or .pb)");
    llvm::Expected<HostArray> sample =
        readCalibrationSample(file, input.shape, options, input.type);
    if (!sample)
      return sample.takeError();
    arrays.push_back(std::move(*sample));
  }
  return arrays;
}

llvm::Expected<std::vector<std::string>>
quantc::listSampleFiles(StringRef folder) {
  std::error_code ec;
  std::vector<std::string> files;
  if (!llvm::sys::fs::is_directory(folder))
    return fileError(folder, "no such folder");
  for (llvm::sys::fs::directory_iterator it(folder, ec), end;
       it != end && !ec; it.increment(ec)) {
    StringRef path = it->path();
    if (path.ends_with(".npy") || path.ends_with(".pb") || isImageFile(path) ||
        llvm::sys::fs::is_directory(path))
      files.push_back(path.str());
  }
  if (ec)
    return fileError(folder, "cannot read the folder: " + ec.message());
  if (files.empty())
    return fileError(folder, "holds no samples (.npy, .pb, .png, .ppm or "
                             ".pgm files, or folders with one file per "
                             "input)");
  llvm::sort(files);
  return files;
}
