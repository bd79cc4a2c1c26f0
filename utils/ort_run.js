#!/usr/bin/env node
// Runs an ONNX model with onnxruntime-node (one intra-op thread, or
// --threads=N) on .npy inputs (float32 or int64) and writes every output as
// OUTDIR/<name>.npy, the mean latency of RUNS runs to
// OUTDIR/ort_latency_ms.txt and their median to OUTDIR/ort_median_ms.txt. With --optimized=FILE, ORT also saves the graph it
// runs (its fusions: QLinearConv, QLinearMatMul, ...) as FILE; with --literal,
// ORT runs the graph as written (graph optimizations disabled: no fusions).
// usage: node ort_run.js ORT_MODULE_DIR MODEL OUTDIR RUNS [--threads=N]
//            [--optimized=FILE] [--literal] name=file.npy...
const fs = require('fs');
const path = require('path');
const [ortDir, model, outDir, runsText, ...args] = process.argv.slice(2);
const threadFlag = args.find(a => a.startsWith('--threads='));
const threads = threadFlag ? Number(threadFlag.split('=')[1]) : 1;
const optimizedFlag = args.find(a => a.startsWith('--optimized='));
const specs = args.filter(a => !a.startsWith('--'));
const ort = require(path.resolve(ortDir));

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  const int64 = header.includes("'<i8'");
  if (!int64 && !header.includes("'<f4'"))
    throw new Error(file + ': expected float32 or int64');
  const shape = header.match(/'shape': \(([^)]*)\)/)[1]
      .split(',').map(s => s.trim()).filter(s => s).map(Number);
  const bytes = buf.buffer.slice(buf.byteOffset + 10 + headerLen,
                                 buf.byteOffset + buf.length);
  return int64 ? new ort.Tensor('int64', new BigInt64Array(bytes), shape)
               : new ort.Tensor('float32', new Float32Array(bytes), shape);
}

function writeNpy(file, tensor) {
  const dims = tensor.dims;
  const shape = '(' + dims.join(', ') + (dims.length === 1 ? ',' : '') + ')';
  let header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ', }';
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - total % 64) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1; prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const data = Buffer.from(new Float32Array(tensor.data).buffer);
  fs.writeFileSync(file, Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]));
}

(async () => {
  const options = {intraOpNumThreads: threads, interOpNumThreads: 1,
                   executionMode: 'sequential'};
  if (optimizedFlag)
    options.optimizedModelFilePath = optimizedFlag.split('=')[1];
  if (args.includes('--literal'))
    options.graphOptimizationLevel = 'disabled';
  const session = await ort.InferenceSession.create(model, options);
  const feeds = {};
  for (const spec of specs) {
    const [name, file] = spec.split('=');
    feeds[name] = readNpy(file);
  }
  let results = await session.run(feeds);
  const runs = Number(runsText);
  const times = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; ++i) {
    const before = process.hrtime.bigint();
    results = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - before) / 1e6);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / Math.max(runs, 1);
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length === 0 ? 0
      : times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  fs.mkdirSync(outDir, {recursive: true});
  for (const [name, tensor] of Object.entries(results))
    writeNpy(path.join(outDir, name.replace(/[^A-Za-z0-9._-]/g, '_') + '.npy'), tensor);
  fs.writeFileSync(path.join(outDir, 'ort_latency_ms.txt'), String(ms));
  fs.writeFileSync(path.join(outDir, 'ort_median_ms.txt'), String(median));
})().catch(e => { console.error(e.message); process.exit(1); });
