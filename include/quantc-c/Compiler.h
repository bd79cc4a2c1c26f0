/*===- quantc-c/Compiler.h - compile and run models, from C ------*- C -*-===*\
|*                                                                            *|
|* Part of quantc. The compiler library (quantc/Compiler/Compiler.h) behind   *|
|* opaque handles: options set by the driver's flag names, a model compiled  *|
|* (imported, calibrated, quantized, JIT-compiled) and run on caller memory, *|
|* its report, its object file. Errors come back as QuantcError values with  *|
|* the driver's messages; nothing aborts and nothing is printed.             *|
|*                                                                            *|
|* Every model owns its MLIR context, weights, JIT code and buffers:         *|
|* quantcModelDestroy releases them all, so a process may compile model     *|
|* after model.                                                              *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef QUANTC_C_COMPILER_H
#define QUANTC_C_COMPILER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define QUANTC_C_EXPORT __declspec(dllexport)
#else
#define QUANTC_C_EXPORT __attribute__((visibility("default")))
#endif

typedef struct QuantcError QuantcError;
typedef struct QuantcOptions QuantcOptions;
typedef struct QuantcModel QuantcModel;

/*--- Errors ----------------------------------------------------------------*/

/* The message, as the driver prints it after "error: ". Valid until the
   error is destroyed. */
QUANTC_C_EXPORT const char *quantcErrorMessage(const QuantcError *error);
QUANTC_C_EXPORT void quantcErrorDestroy(QuantcError *error);

/*--- Options ---------------------------------------------------------------*/

/* Options for the model at `path` (.onnx, or qc IR .mlir), as `quantc run`
   and `quantc compile` start: float, target host, one thread. */
QUANTC_C_EXPORT QuantcOptions *quantcOptionsCreate(const char *path);
QUANTC_C_EXPORT void quantcOptionsDestroy(QuantcOptions *options);

/* Sets one option by the driver's flag name, without the dashes, and its
   value as text: "calib" (folder or cache), "bits" (8, 4, ternary,
   mixed), "method" (minmax, percentile, entropy, mse), "group",
   "gptq", "activation-bits", "bias-correction", "fold-batch-norm",
   "smooth", "rotate", "keep-float" (repeatable), "input-shape"
   (NAME=DIMS, repeatable), "bind-input" (NAME=VALUES|FILE, repeatable),
   "target", "threads", "gemm-kernels", "direct-conv", "gemm-blocking",
   "emulate-gpu",
   "min-output-cosine", "weight-bits-budget", "candidates",
   "image-resize", "image-mean", "image-std", "image-bgr". Booleans take
   "true" / "false". Returns NULL, or an error naming the option. */
QUANTC_C_EXPORT QuantcError *
quantcOptionsSet(QuantcOptions *options, const char *name, const char *value);

/* Told after each step of long work (calibration, the precision search):
   its stage label, steps done and total. NULL: silent (the default). */
typedef void (*QuantcProgressCallback)(void *userData, const char *stage,
                                       size_t done, size_t total);
QUANTC_C_EXPORT void quantcOptionsSetProgress(QuantcOptions *options,
                                              QuantcProgressCallback callback,
                                              void *userData);

/*--- Import ----------------------------------------------------------------*/

/* The qc module of the model `options` name, as MLIR text (quant-translate
   --import-onnx); the caller frees *text with quantcFree. */
QUANTC_C_EXPORT QuantcError *quantcImport(const QuantcOptions *options,
                                          char **text);
QUANTC_C_EXPORT void quantcFree(void *memory);

/*--- Models ----------------------------------------------------------------*/

/* Imports, quantizes when the options ask (calibrating on their "calib"),
   and JIT-compiles the model for this machine. */
QUANTC_C_EXPORT QuantcError *quantcModelCreate(const QuantcOptions *options,
                                               QuantcModel **model);
QUANTC_C_EXPORT void quantcModelDestroy(QuantcModel *model);

typedef enum QuantcElementType {
  QUANTC_F32,
  QUANTC_F64,
  QUANTC_F16,
  QUANTC_I8,
  QUANTC_U8,
  QUANTC_I16,
  QUANTC_U16,
  QUANTC_I32,
  QUANTC_U32,
  QUANTC_I64,
  QUANTC_U64,
  QUANTC_BOOL
} QuantcElementType;

/* A tensor in caller memory (inputs) or the model's (outputs): row-major,
   `rank` extents in `shape`. F16 elements are IEEE half bits; BOOL one
   byte each. */
typedef struct QuantcTensor {
  QuantcElementType type;
  int64_t rank;
  const int64_t *shape;
  void *data;
} QuantcTensor;

QUANTC_C_EXPORT size_t quantcModelNumInputs(const QuantcModel *model);
QUANTC_C_EXPORT size_t quantcModelNumOutputs(const QuantcModel *model);
/* The ONNX names, and the shape and element type each takes or gives
   (data NULL). */
QUANTC_C_EXPORT const char *quantcModelInputName(const QuantcModel *model,
                                                 size_t index);
QUANTC_C_EXPORT const char *quantcModelOutputName(const QuantcModel *model,
                                                  size_t index);
QUANTC_C_EXPORT QuantcTensor quantcModelInputType(const QuantcModel *model,
                                                  size_t index);
QUANTC_C_EXPORT QuantcTensor quantcModelOutputType(const QuantcModel *model,
                                                   size_t index);

/* Runs the model on `numInputs` tensors in input order; each must have the
   input's shape and element type. On success outputs[i] points into the
   model's memory, valid until the next run or quantcModelDestroy. */
QUANTC_C_EXPORT QuantcError *
quantcModelRun(QuantcModel *model, const QuantcTensor *inputs, size_t numInputs,
               QuantcTensor *outputs, size_t numOutputs);

/* The compile report as JSON text (what `quantc compile` writes to
   <model>.report.json): what was asked and what was done. Valid until
   quantcModelDestroy. */
QUANTC_C_EXPORT const char *quantcModelReport(const QuantcModel *model);

/* Writes the model compiled for the options' target to `dir`:
   <stem>.o, <stem>.h (.ptx for GPU targets) and <stem>.report.json, as
   `quantc compile -o dir` does. */
QUANTC_C_EXPORT QuantcError *quantcModelSave(QuantcModel *model,
                                             const char *dir);

#ifdef __cplusplus
}
#endif

#endif /* QUANTC_C_COMPILER_H */
