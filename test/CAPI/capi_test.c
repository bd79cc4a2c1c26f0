/* The C API from C: the qc dialect and passes through MLIR's C API, then a
   model compiled, run, reported and saved, errors as values, and many
   models compiled and dropped in one process.

   usage: capi_test MODEL CALIB_DIR INPUT.bin OUT_DIR
   MODEL takes one 1x1x28x28 f32 input; INPUT.bin holds it raw. Writes
   OUT_DIR/float.bin and OUT_DIR/int8.bin (the outputs, raw) and
   OUT_DIR/saved/ (quantcModelSave). Prints one line per check; exits 1 on
   the first failure. */
#include "quantc-c/Compiler.h"
#include "quantc-c/Dialect.h"

#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Dialect/Quant.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, QuantcError *error) {
  printf("FAIL %s: %s\n", what, error ? quantcErrorMessage(error) : "");
  exit(1);
}

static void check(int ok, const char *what) {
  if (!ok)
    fail(what, NULL);
  printf("ok %s\n", what);
}

/* The error `call` returned must exist and contain `expected`. */
static void expectError(QuantcError *error, const char *expected,
                        const char *what) {
  if (!error)
    fail(what, NULL);
  printf("%s: %s\n", what, quantcErrorMessage(error));
  check(strstr(quantcErrorMessage(error), expected) != NULL, what);
  quantcErrorDestroy(error);
}

static void appendText(MlirStringRef text, void *userData) {
  strncat((char *)userData, text.data, text.length);
}

static void dialectAndPasses(void) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  quantcRegisterAllDialects(registry);
  MlirContext context = mlirContextCreate();
  mlirContextAppendDialectRegistry(context, registry);
  mlirDialectRegistryDestroy(registry);
  MlirDialect qc =
      mlirDialectHandleLoadDialect(mlirGetDialectHandle__qc__(), context);
  check(!mlirDialectIsNull(qc), "qc dialect loads through its handle");

  MlirAttribute precision = quantcLayerPrecisionAttrGet(
      context, mlirStringRefCreateFromCString("int4-g32-gptq"));
  char text[64] = "";
  check(quantcAttributeIsALayerPrecision(precision),
        "#qc.precision from its text");
  quantcLayerPrecisionAttrGetText(precision, appendText, text);
  check(strcmp(text, "int4-g32-gptq") == 0, "#qc.precision text round trip");
  check(mlirAttributeIsNull(quantcLayerPrecisionAttrGet(
            context, mlirStringRefCreateFromCString("int3"))),
        "an invalid precision text gives a null attribute");

  quantcRegisterAllPasses();
  quantcRegisterAllPasses(); /* twice is allowed */
  MlirPassManager manager = mlirPassManagerCreate(context);
  MlirLogicalResult parsed = mlirParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(manager),
      mlirStringRefCreateFromCString(
          "builtin.module(qc-decompose-conv-transpose,qc-fold-batch-norm)"),
      appendText, text);
  check(mlirLogicalResultIsSuccess(parsed), "qc passes parse in a pipeline");
  MlirModule module = mlirModuleCreateParse(
      context, mlirStringRefCreateFromCString(
                   "func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
                   "  %y = qc.relu %x : tensor<4xf32>\n"
                   "  return %y : tensor<4xf32>\n}"));
  check(!mlirModuleIsNull(module), "qc IR parses in a C-API context");

  /* A quantized layer's weight type, read with the quant dialect's C API. */
  mlirDialectHandleLoadDialect(mlirGetDialectHandle__quant__(), context);
  MlirType weight = mlirTypeParseGet(
      context, mlirStringRefCreateFromCString(
                   "tensor<4x8x!quant.uniform<i8<-8:7>:f32, 0.25:1>>"));
  MlirType element = mlirShapedTypeGetElementType(weight);
  check(mlirTypeIsAUniformQuantizedType(element) &&
            mlirUniformQuantizedTypeGetScale(element) == 0.25 &&
            mlirUniformQuantizedTypeGetZeroPoint(element) == 1 &&
            mlirQuantizedTypeGetStorageTypeMin(element) == -8,
        "a quantized type's scale, zero point and grid");
  check(mlirLogicalResultIsSuccess(
            mlirPassManagerRunOnOp(manager, mlirModuleGetOperation(module))),
        "the pipeline runs");
  mlirModuleDestroy(module);
  mlirPassManagerDestroy(manager);
  mlirContextDestroy(context);
}

static float input[28 * 28];

static void writeOutput(const char *dir, const char *name,
                        const QuantcTensor *output) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *file = fopen(path, "wb");
  size_t count = 1;
  for (int64_t d = 0; d < output->rank; ++d)
    count *= (size_t)output->shape[d];
  fwrite(output->data, sizeof(float), count, file);
  fclose(file);
}

static size_t progressCalls;
static void onProgress(void *userData, const char *stage, size_t done,
                       size_t total) {
  (void)userData;
  (void)stage;
  (void)done;
  (void)total;
  ++progressCalls;
}

/* Compiles `options` and runs it on `input`, writing the output. */
static QuantcModel *compileAndRun(QuantcOptions *options, const char *outDir,
                                  const char *outName) {
  QuantcModel *model = NULL;
  QuantcError *error = quantcModelCreate(options, &model);
  if (error)
    fail("quantcModelCreate", error);
  int64_t shape[4] = {1, 1, 28, 28};
  QuantcTensor in = {QUANTC_F32, 4, shape, input};
  QuantcTensor out;
  if ((error = quantcModelRun(model, &in, 1, &out, 1)))
    fail("quantcModelRun", error);
  writeOutput(outDir, outName, &out);
  return model;
}

static long residentKB(void) {
  long pages = 0, resident = 0;
  FILE *statm = fopen("/proc/self/statm", "r");
  if (!statm || fscanf(statm, "%ld %ld", &pages, &resident) != 2)
    return 0;
  fclose(statm);
  return resident * 4;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: capi_test MODEL CALIB_DIR INPUT.bin OUT_DIR\n");
    return 2;
  }
  const char *modelPath = argv[1], *calib = argv[2], *outDir = argv[4];
  FILE *file = fopen(argv[3], "rb");
  check(file && fread(input, sizeof input, 1, file) == 1, "input read");
  fclose(file);

  dialectAndPasses();

  /* Import. */
  QuantcOptions *options = quantcOptionsCreate(modelPath);
  char *text = NULL;
  QuantcError *error = quantcImport(options, &text);
  if (error)
    fail("quantcImport", error);
  check(strstr(text, "func.func @main") && strstr(text, "qc.conv2d"),
        "quantcImport gives the qc module");
  quantcFree(text);

  /* Float: the model's types, then a run. */
  QuantcModel *model = compileAndRun(options, outDir, "float.bin");
  check(quantcModelNumInputs(model) == 1 && quantcModelNumOutputs(model) == 1,
        "one input, one output");
  QuantcTensor type = quantcModelOutputType(model, 0);
  check(type.type == QUANTC_F32 && type.rank == 2 && type.shape[1] == 10,
        "output type f32 1x10");
  printf("input '%s', output '%s'\n", quantcModelInputName(model, 0),
         quantcModelOutputName(model, 0));

  /* Errors as values: a wrong shape, a wrong type, a missing input. */
  int64_t wrongShape[4] = {1, 1, 28, 27};
  QuantcTensor bad = {QUANTC_F32, 4, wrongShape, input};
  QuantcTensor out;
  expectError(quantcModelRun(model, &bad, 1, &out, 1),
              "expected shape [1, 1, 28, 28], got [1, 1, 28, 27]",
              "wrong input shape");
  int64_t shape[4] = {1, 1, 28, 28};
  QuantcTensor wrongType = {QUANTC_I32, 4, shape, input};
  expectError(quantcModelRun(model, &wrongType, 1, &out, 1),
              "expected float32 elements, got int32", "wrong element type");
  expectError(quantcModelRun(model, &bad, 0, &out, 1),
              "the model takes 1 inputs, 0 given", "missing input");
  quantcModelDestroy(model);

  /* int8, calibrated on the folder, with progress; report and save. */
  QuantcOptions *int8 = quantcOptionsCreate(modelPath);
  quantcOptionsSetProgress(int8, onProgress, NULL);
  if ((error = quantcOptionsSet(int8, "calib", calib)) ||
      (error = quantcOptionsSet(int8, "method", "mse")) ||
      (error = quantcOptionsSet(int8, "bits", "8")))
    fail("quantcOptionsSet", error);
  model = compileAndRun(int8, outDir, "int8.bin");
  check(progressCalls > 0, "calibration reports progress");
  const char *report = quantcModelReport(model);
  check(strstr(report, "\"qc.qconv2d\"") && strstr(report, "\"method\""),
        "the report lists the int8 layers");
  char saved[4096];
  snprintf(saved, sizeof saved, "%s/saved", outDir);
  if ((error = quantcModelSave(model, saved)))
    fail("quantcModelSave", error);
  check(1, "quantcModelSave");
  quantcModelDestroy(model);

  /* Option errors carry the driver's messages. */
  expectError(quantcOptionsSet(int8, "bitz", "8"), "unknown option 'bitz'",
              "unknown option");
  expectError(quantcOptionsSet(int8, "group", "x"), "is not an integer",
              "bad integer");
  QuantcOptions *bad8 = quantcOptionsCreate(modelPath);
  quantcOptionsSet(bad8, "calib", calib);
  quantcOptionsSet(bad8, "bits", "7");
  expectError(quantcModelCreate(bad8, &model), "--bits", "bad bits");
  quantcOptionsDestroy(bad8);
  QuantcOptions *target = quantcOptionsCreate(modelPath);
  quantcOptionsSet(target, "target", "z80");
  expectError(quantcModelCreate(target, &model), "z80", "unknown target");
  quantcOptionsDestroy(target);
  QuantcOptions *missing = quantcOptionsCreate("/nonexistent/model.onnx");
  expectError(quantcModelCreate(missing, &model), "/nonexistent/model.onnx",
              "missing model file");
  check(model == NULL, "a failed create gives no model");
  quantcOptionsDestroy(missing);

  /* Many models in one process: each owns its context, weights and code. */
  long first = 0;
  for (int i = 0; i < 30; ++i) {
    QuantcModel *again = compileAndRun(int8, outDir, "again.bin");
    quantcModelDestroy(again);
    if (i == 2)
      first = residentKB();
  }
  long last = residentKB();
  printf("resident after 3 compiles %ld KB, after 30 %ld KB\n", first, last);
  /* Within 5%: a module copy leaked per compile showed as +18%. */
  check(last < first + first / 20, "30 compiles stay within 5% of 3");

  quantcOptionsDestroy(int8);
  quantcOptionsDestroy(options);
  printf("capi: all ok\n");
  return 0;
}
