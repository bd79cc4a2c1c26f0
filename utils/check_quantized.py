#!/usr/bin/env python3
"""Bit-exact check of the lowered quantized ops against a numpy reference
of the numerics contract (docs/Numerics.md): qc.quantize, qc.dequantize,
qc.qmatmul (u8 activations x per-column i8 weights) with i32, f32 and
requantized i8 outputs, and qc.qconv2d (padded, strided, per-channel;
depthwise with a per-tensor and with a per-channel input, and strided).
Integer results must match exactly; f32 results to printing precision.

usage: check_quantized.py QUANT_OPT MLIR_RUNNER RUNNER_LIBS
"""
import math
import re
import subprocess
import sys

import numpy as np

F = np.float32


def lit(a, signed_bits8=False):
    flat = a.ravel()
    if signed_bits8:
        flat = np.where(flat > 127, flat - 256, flat)
    return "dense<" + np.array2string(flat.reshape(a.shape), separator=", ",
                                      threshold=1 << 30, floatmode="unique"
                                      ).replace("\n", "") + ">"


def shape(a):
    return "x".join(map(str, a.shape))


def roundeven(x):
    return np.round(x)  # numpy rounds half to even


def fixed_point(multiplier):
    """multiplier ~ M0 / 2^n, M0 a 31-bit integer (docs/Numerics.md)."""
    fraction, exponent = math.frexp(multiplier)
    mantissa = int(round(fraction * 2 ** 31))
    if mantissa == 2 ** 31:
        mantissa //= 2
        exponent += 1
    return mantissa, 31 - exponent


def rescale(v, multiplier):
    """(v * M0 + 2^(n-1)) >> n in exact integers."""
    m0, n = fixed_point(multiplier)
    return (v * m0 + (1 << (n - 1))) >> n


def requantize(acc, multipliers):
    """((acc * M0 + 2^(n-1)) >> n) per column, in exact integers."""
    out = np.empty_like(acc)
    for c, m in enumerate(multipliers):
        m0, n = fixed_point(m)
        out[:, c] = (acc[:, c] * m0 + (1 << (n - 1))) >> n
    return out


def main():
    quant_opt, runner, libs = sys.argv[1:4]
    rng = np.random.default_rng(5)
    M, K, N = 3, 20, 5
    a = rng.integers(0, 256, (M, K)).astype(np.int64)          # u8
    w = rng.integers(-127, 128, (K, N)).astype(np.int64)       # i8 narrow
    sa, za = F(0.02), 128
    sw = rng.uniform(0.005, 0.05, N).astype(F)
    sy, zy = F(0.25), -3  # small enough that some outputs saturate
    bias = rng.integers(-1000, 1000, N).astype(np.int64)
    x = rng.uniform(-3, 3, (2, 7)).astype(F)
    sx, zx = F(0.03), 5

    # Reference, all arithmetic in float32 where the contract says f32.
    acc = (a - za) @ w + bias
    mult = (sa * sw).astype(F)
    f32 = (acc - bias).astype(F) * mult  # the f32 product has no bias
    req = np.clip(requantize(acc, [float(sa) * float(c) / float(sy) for c in sw]) + zy,
                  -128, 127).astype(np.int64)
    qx = np.clip(roundeven(x / sx) + zx, -128, 127).astype(np.int64)
    # A 4-bit activation grid (--activation-bits 4): u8 storage limited to
    # [0, 15], saturating on both sides for these x.
    s4, z4 = F(0.3), 7
    q4 = np.clip(roundeven(x / s4) + z4, 0, 15).astype(np.int64)
    dqx = (qx - zx).astype(F) * sx
    # Convolution: 1x2x6x6 input (u8), 3x2x3x3 weights, pad 1, stride 2.
    ci = rng.integers(0, 256, (1, 2, 6, 6)).astype(np.int64)
    cw = rng.integers(-127, 128, (3, 2, 3, 3)).astype(np.int64)
    csw = rng.uniform(0.01, 0.03, 3).astype(F)
    cp = np.pad(ci - za, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cacc = np.zeros((1, 3, 3, 3), np.int64)
    for o in range(3):
        for i in range(3):
            for j in range(3):
                cacc[0, o, i, j] = (cp[0, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3] * cw[o]).sum()

    # Depthwise: 1x4x6x42 input, 4x1x3x3 weights, group 4, no padding;
    # 4 output rows of 40 (two and a half 16-lane registers, the taps past
    # the first shuffled across register boundaries; two rows a tile).
    di = rng.integers(0, 256, (1, 4, 6, 42)).astype(np.int64)
    dw = rng.integers(-127, 128, (4, 1, 3, 3)).astype(np.int64)
    dacc = np.zeros((1, 4, 4, 40), np.int64)
    for ch in range(4):
        for i in range(4):
            for j in range(40):
                dacc[0, ch, i, j] = ((di[0, ch, i:i + 3, j:j + 3] - za) * dw[ch, 0]).sum()

    # The same input and weights with stride 2 and padding 1 (the padding
    # reads the zero point): 3 output rows of 21, taps from the even and
    # odd input columns.
    dpad = np.pad(di - za, ((0, 0), (0, 0), (1, 1), (1, 1)))
    sdacc = np.zeros((1, 4, 3, 21), np.int64)
    for ch in range(4):
        for i in range(3):
            for j in range(21):
                sdacc[0, ch, i, j] = (dpad[0, ch, 2 * i:2 * i + 3, 2 * j:2 * j + 3] * dw[ch, 0]).sum()

    # The same depthwise convolution with one scale and zero point per
    # input channel.
    psa = np.array([0.02, 0.05, 0.01, 0.1], F)
    pza = np.array([100, 3, 250, 0])
    dsw = np.array([0.01, 0.02, 0.03, 0.04], F)
    pacc = np.zeros((1, 4, 4, 40), np.int64)
    for ch in range(4):
        for i in range(4):
            for j in range(40):
                pacc[0, ch, i, j] = ((di[0, ch, i:i + 3, j:j + 3] - pza[ch]) * dw[ch, 0]).sum()
    pf = pacc.astype(F) * (psa * dsw).astype(F)[None, :, None, None]

    # Requantize: i8 (0.1, -5) -> u8 (0.03, 120), and a per-axis i8 input
    # (axis 1: 0.02/3, 0.5/-1, 0.07/0) -> i8 (0.05, 2); both saturate.
    rq = rng.integers(-128, 128, (2, 3)).astype(np.int64)
    rq1 = np.clip(rescale(rq + 5, 0.1 / 0.03) + 120, 0, 255)
    pscales, pzeros = [0.02, 0.5, 0.07], [3, -1, 0]
    rq2 = np.stack([np.clip(rescale(rq[:, c] - pzeros[c], pscales[c] / 0.05) + 2,
                            -128, 127) for c in range(3)], axis=1)

    act = "!quant.uniform<u8:f32, %r:%d>" % (float(sa), za)
    wt = "!quant.uniform<i8<-127:127>:f32:1, {%s}>" % ", ".join(repr(float(s)) for s in sw)
    out = "!quant.uniform<i8:f32, %r:%d>" % (float(sy), zy)
    xq = "!quant.uniform<i8:f32, %r:%d>" % (float(sx), zx)
    cwt = "!quant.uniform<i8<-127:127>:f32:0, {%s}>" % ", ".join(repr(float(s)) for s in csw)
    A, W = "tensor<%dx%dx%s>" % (M, K, act), "tensor<%dx%dx%s>" % (K, N, wt)
    prog = """
func.func @main() {
  %%as = arith.constant %s : tensor<%sxi8>
  %%a = quant.scast %%as : tensor<%sxi8> to %s
  %%ws = arith.constant %s : tensor<%sxi8>
  %%w = quant.scast %%ws : tensor<%sxi8> to %s
  %%b = arith.constant %s : tensor<%dxi32>
  %%acc = qc.qmatmul %%a, %%w, %%b : %s, %s, tensor<%dxi32> -> tensor<%dx%dxi32>
  %%f = qc.qmatmul %%a, %%w : %s, %s -> tensor<%dx%dxf32>
  %%fb = qc.qmatmul %%a, %%w, %%b : %s, %s, tensor<%dxi32> -> tensor<%dx%dx%s>
  %%q = quant.scast %%fb : tensor<%dx%dx%s> to tensor<%dx%dxi8>
  %%qi = arith.extsi %%q : tensor<%dx%dxi8> to tensor<%dx%dxi32>
  %%x = arith.constant %s : tensor<2x7xf32>
  %%xq = qc.quantize %%x : tensor<2x7xf32> -> tensor<2x7x%s>
  %%xs = quant.scast %%xq : tensor<2x7x%s> to tensor<2x7xi8>
  %%xi = arith.extsi %%xs : tensor<2x7xi8> to tensor<2x7xi32>
  %%xd = qc.dequantize %%xq : tensor<2x7x%s> -> tensor<2x7xf32>
  %%cis = arith.constant %s : tensor<1x2x6x6xi8>
  %%ci = quant.scast %%cis : tensor<1x2x6x6xi8> to tensor<1x2x6x6x%s>
  %%cws = arith.constant %s : tensor<3x2x3x3xi8>
  %%cw = quant.scast %%cws : tensor<3x2x3x3xi8> to tensor<3x2x3x3x%s>
  %%cacc = qc.qconv2d %%ci, %%cw {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x2x6x6x%s>, tensor<3x2x3x3x%s>) -> tensor<1x3x3x3xi32>
  %%dis = arith.constant DEPTHWISE_INPUT : tensor<1x4x6x42xi8>
  %%di = quant.scast %%dis : tensor<1x4x6x42xi8> to tensor<1x4x6x42xACT>
  %%dws = arith.constant DEPTHWISE_WEIGHT : tensor<4x1x3x3xi8>
  %%dw = quant.scast %%dws : tensor<4x1x3x3xi8> to tensor<4x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.03, 0.04}>>
  %%dacc = qc.qconv2d %%di, %%dw {group = 4 : i64}
      : (tensor<1x4x6x42xACT>, tensor<4x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.03, 0.04}>>) -> tensor<1x4x4x40xi32>
  %%sdacc = qc.qconv2d %%di, %%dw {group = 4 : i64, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x4x6x42xACT>, tensor<4x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.03, 0.04}>>) -> tensor<1x4x3x21xi32>
  %%pdi = quant.scast %%dis : tensor<1x4x6x42xi8> to tensor<1x4x6x42xPERCHANNEL>
  %%pdacc = qc.qconv2d %%pdi, %%dw {group = 4 : i64}
      : (tensor<1x4x6x42xPERCHANNEL>, tensor<4x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.03, 0.04}>>) -> tensor<1x4x4x40xi32>
  %%pdf = qc.qconv2d %%pdi, %%dw {group = 4 : i64}
      : (tensor<1x4x6x42xPERCHANNEL>, tensor<4x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.03, 0.04}>>) -> tensor<1x4x4x40xf32>
  %%rqs = arith.constant REQ_INPUT : tensor<2x3xi8>
  %%rqa = quant.scast %%rqs : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.1:-5>>
  %%rqb = qc.requantize %%rqa : tensor<2x3x!quant.uniform<i8:f32, 0.1:-5>> -> tensor<2x3x!quant.uniform<u8:f32, 0.03:120>>
  %%rqbs = quant.scast %%rqb : tensor<2x3x!quant.uniform<u8:f32, 0.03:120>> to tensor<2x3xi8>
  %%rq1 = arith.extui %%rqbs : tensor<2x3xi8> to tensor<2x3xi32>
  %%rqc = quant.scast %%rqs : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:1, {0.02:3, 0.5:-1, 0.07}>>
  %%rqd = qc.requantize %%rqc : tensor<2x3x!quant.uniform<i8:f32:1, {0.02:3, 0.5:-1, 0.07}>> -> tensor<2x3x!quant.uniform<i8:f32, 0.05:2>>
  %%rqds = quant.scast %%rqd : tensor<2x3x!quant.uniform<i8:f32, 0.05:2>> to tensor<2x3xi8>
  %%rq2 = arith.extsi %%rqds : tensor<2x3xi8> to tensor<2x3xi32>
  %%x4 = qc.quantize %%x : tensor<2x7xf32> -> tensor<2x7xA4>
  %%x4s = quant.scast %%x4 : tensor<2x7xA4> to tensor<2x7xi8>
  %%x4i = arith.extui %%x4s : tensor<2x7xi8> to tensor<2x7xi32>
  PRINTS
  return
}
func.func private @printMemrefI32(tensor<*xi32>)
func.func private @printMemrefF32(tensor<*xf32>)
""" % (lit(a, True), shape(a), shape(a), A, lit(w), shape(w), shape(w), W,
       lit(bias), N, A, W, N, M, N, A, W, M, N, A, W, N, M, N, out,
       M, N, out, M, N, M, N, M, N, lit(x), xq, xq, xq,
       lit(ci, True), act, lit(cw), cwt, act, cwt)
    prints = []
    for i, (name, ty, kind) in enumerate([
            ("acc", "%dx%dxi32" % (M, N), "I32"), ("qi", "%dx%dxi32" % (M, N), "I32"),
            ("xi", "2x7xi32", "I32"), ("cacc", "1x3x3x3xi32", "I32"),
            ("f", "%dx%dxf32" % (M, N), "F32"), ("xd", "2x7xf32", "F32"),
            ("dacc", "1x4x4x40xi32", "I32"), ("pdacc", "1x4x4x40xi32", "I32"),
            ("pdf", "1x4x4x40xf32", "F32"), ("rq1", "2x3xi32", "I32"),
            ("rq2", "2x3xi32", "I32"), ("x4i", "2x7xi32", "I32"),
            ("sdacc", "1x4x3x21xi32", "I32")]):
        elem = ty.split("x")[-1]
        prints.append("%%u%d = tensor.cast %%%s : tensor<%s> to tensor<*x%s>\n"
                      "  call @printMemref%s(%%u%d) : (tensor<*x%s>) -> ()"
                      % (i, name, ty, elem, kind, i, elem))
    prog = prog.replace("PRINTS", "\n  ".join(prints))
    prog = prog.replace("REQ_INPUT", lit(rq))
    prog = prog.replace("xA4", "x!quant.uniform<u8<0:15>:f32, %r:%d>" %
                        (float(s4), z4))
    prog = prog.replace("DEPTHWISE_INPUT", lit(di, True)).replace(
        "DEPTHWISE_WEIGHT", lit(dw)).replace("xACT", "x" + act).replace(
        "xPERCHANNEL", "x!quant.uniform<u8:f32:1, {%s}>" % ", ".join(
            "%r:%d" % (float(sc), z) for sc, z in zip(psa, pza)))
    # The test widens i8 results with arith on tensors: make that linalg.
    lowering = subprocess.run([quant_opt, "--convert-elementwise-to-linalg",
                               "--qc-lower-to-llvm"], input=prog,
                              capture_output=True, text=True)
    if lowering.returncode != 0:
        sys.stderr.write(prog + "\n" + lowering.stderr)
        return 1
    lowered = lowering.stdout
    output = subprocess.run([runner, "-e", "main", "-entry-point-result=void",
                             "-shared-libs=" + libs], input=lowered, check=True,
                            capture_output=True, text=True).stdout
    blocks = [re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?",
                         part.split("Unranked")[0])
              for part in output.split("data =")[1:]]
    got = [np.array([float(v) for v in block]) for block in blocks]
    checks = [("qmatmul i32", got[0], acc.ravel(), 0),
              ("qmatmul requantized i8", got[1], req.ravel(), 0),
              ("quantize", got[2], qx.ravel(), 0),
              ("qconv2d i32", got[3], cacc.ravel(), 0),
              ("qmatmul f32", got[4], f32.ravel(), 1e-5),
              ("dequantize", got[5], dqx.ravel(), 1e-5),
              ("qconv2d depthwise i32", got[6], dacc.ravel(), 0),
              ("depthwise per-channel i32", got[7], pacc.ravel(), 0),
              ("depthwise per-channel f32", got[8], pf.ravel(), 1e-5),
              ("requantize i8->u8", got[9], rq1.ravel(), 0),
              ("requantize per-axis", got[10], rq2.ravel(), 0),
              ("quantize u8<0:15>", got[11], q4.ravel(), 0),
              ("depthwise stride 2 i32", got[12], sdacc.ravel(), 0)]
    ok = True
    for name, g, want, rtol in checks:
        good = g.shape == want.shape and (np.array_equal(g, want) if rtol == 0
                                          else np.allclose(g, want, rtol=rtol, atol=1e-6))
        ok &= good
        print("%-24s %s" % (name, "exact" if good and rtol == 0 else
                            "ok" if good else "MISMATCH"))
        if not good and "-v" in sys.argv:
            print("   got ", g[:12], g.shape)
            print("   want", want[:12], want.shape)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
