#!/usr/bin/env python3
"""Measures PP-OCR accuracy, float against int8, on text rendered with
Debian's DejaVu fonts from Debian's word list (wamerican).

For each task it renders a calibration set and a disjoint evaluation set
(different seeds, and no evaluation line reuses a calibration word), runs
`quantc run` on the evaluation folder once in float and once per range
method with `--calib` on the calibration folder, and prints one line per
run. With bounds given it exits non-zero when one is missed.

  rec: PP-OCRv4 recognizer, 1x3x48x320. Character accuracy
       1 - sum(edit distance) / sum(len(truth)), greedy CTC decoding with
       ppocr_keys_v1.txt (blank first, space last).
  cls: direction classifier, 1x3x48x192, half the lines turned 180
       degrees. Accuracy against the truth, and int8/float agreement.
  det: PP-OCRv4 detector, 1x3x320x320 pages of text lines. Cosine between
       the int8 and float probability maps (per page; the minimum). With
       --noise-draws N, each page's own conditioning is measured too: the
       float model on N copies with invisible pixel noise (each channel
       value +-1 or 0 at random), the worst cosine to the clean page. A
       page on which float itself moves further than the --min-cosine bound
       is held to that figure instead, and listed.

usage: ocr_accuracy.py --quantc BIN --models DIR --task rec|cls|det
                       --work DIR [--methods minmax,mse] [--calib N]
                       [--eval N] [--max-drop POINTS] [--min-agreement F]
                       [--min-cosine F] [--min-mean-cosine F]
                       [--min-float F] [--benchmark-runs N]
                       [--search COSINE [--search-only]]
                       [--max-float-layers N]
                       [--noise-draws N]
"""
import argparse
import glob
import os
import random
import subprocess
import sys
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf",
         "DejaVuSansCondensed.ttf", "DejaVuSans-Bold.ttf",
         "DejaVuSerif-Italic.ttf", "DejaVuSans-Oblique.ttf"]
# wamerican's list itself, not the "words" alternative another dictionary
# package could redirect.
WORDS = "/usr/share/dict/american-english"

TASKS = {
    # model file, input shape, quantc preprocessing flags
    "rec": ("ch_PP-OCRv4_rec_infer.onnx", "1x3x48x320",
            ["--image-resize", "pad", "--image-mean", "0.5",
             "--image-std", "0.5", "--image-bgr"]),
    "cls": ("ch_ppocr_mobile_v2.0_cls_infer.onnx", "1x3x48x192",
            ["--image-resize", "pad", "--image-mean", "0.5",
             "--image-std", "0.5", "--image-bgr"]),
    "det": ("ch_PP-OCRv4_det_infer.onnx", "1x3x320x320",
            ["--image-resize", "stretch",
             "--image-mean", "0.485,0.456,0.406",
             "--image-std", "0.229,0.224,0.225", "--image-bgr"]),
}


def load_words(keys):
    allowed = set(keys)
    words = [w.strip() for w in open(WORDS, encoding="utf-8")]
    return sorted({w for w in words if w and all(c in allowed for c in w)})


def colours(rng):
    ink = tuple(rng.randint(0, 90) for _ in range(3))
    paper = tuple(rng.randint(170, 255) for _ in range(3))
    return ink, paper


def render_line(text, rng):
    """A tight text-line crop, as a detector would hand to rec/cls."""
    font = ImageFont.truetype(os.path.join(FONT_DIR, rng.choice(FONTS)),
                              rng.randint(22, 40))
    left, top, right, bottom = font.getbbox(text)
    padx, pady = rng.randint(2, 10), rng.randint(2, 8)
    ink, paper = colours(rng)
    image = Image.new("RGB", (right - left + 2 * padx,
                              bottom - top + 2 * pady), paper)
    ImageDraw.Draw(image).text((padx - left, pady - top), text, font=font,
                               fill=ink)
    return image


def line_text(words, banned, rng):
    """A line of 1-3 words, none of which is in `banned`."""
    while True:
        picked = [w for w in rng.sample(words, rng.randint(1, 3))
                  if w not in banned]
        if not picked:
            continue
        text = " ".join(picked)
        if rng.random() < 0.2:
            text = text.upper()
        return text


def render_lines(folder, words, banned, seed, count, width, rotate):
    """Renders `count` lines into folder/NNNN.png; returns (texts, labels)."""
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(seed)
    texts, labels = [], []
    while len(texts) < count:
        text = line_text(words, banned, rng)
        image = render_line(text, rng)
        if 48 * image.width / image.height > width:
            continue  # would be squeezed to fit the input width
        label = 1 if rotate and rng.random() < 0.5 else 0
        if label:
            image = image.rotate(180)
        image.save(os.path.join(folder, "%04d.png" % len(texts)))
        texts.append(text)
        labels.append(label)
    return texts, labels


def render_pages(folder, words, banned, seed, count):
    """320x320 pages with a few lines of text each."""
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(seed)
    for index in range(count):
        ink, paper = colours(rng)
        page = Image.new("RGB", (320, 320), paper)
        draw = ImageDraw.Draw(page)
        y = rng.randint(4, 30)
        while y < 290:
            font = ImageFont.truetype(os.path.join(FONT_DIR, rng.choice(FONTS)),
                                      rng.randint(14, 30))
            text = line_text(words, banned, rng)
            draw.text((rng.randint(4, 80), y), text, font=font, fill=ink)
            y += font.size + rng.randint(8, 40)
        page.save(os.path.join(folder, "%04d.png" % index))


def render_task(models, task, folder, seed, count):
    """`count` rendered samples for `task` (lines for rec and cls, about
    half of cls's turned upside down; pages for det) into folder/NNNN.png,
    from the recognizer's dictionary in `models`."""
    keys = open(os.path.join(models, "ppocr_keys_v1.txt"),
                encoding="utf-8").read().split("\n")
    words = load_words(keys)
    if task == "det":
        render_pages(folder, words, set(), seed, count)
    else:
        width = int(TASKS[task][1].split("x")[3])
        render_lines(folder, words, set(), seed, count, width, task == "cls")


def add_pixel_noise(folder, out, draws, seed):
    """`draws` copies of every page in `folder` with each channel value
    moved by -1, 0 or +1 (clipped): <page>_n<k>.png in `out`."""
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed)
    for path in sorted(glob.glob(os.path.join(folder, "*.png"))):
        pixels = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
        stem = os.path.splitext(os.path.basename(path))[0]
        for k in range(draws):
            noisy = np.clip(pixels + rng.integers(-1, 2, pixels.shape), 0, 255)
            Image.fromarray(noisy.astype(np.uint8)).save(
                os.path.join(out, "%s_n%d.png" % (stem, k)))


def cosine(a, b):
    return float(np.dot(a.ravel(), b.ravel()) /
                 (np.linalg.norm(a) * np.linalg.norm(b)))


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1,
                                       prev + (ca != cb))
    return row[-1]


def ctc_greedy(probs, keys):
    """Best path: argmax per step, merge repeats, drop blanks (class 0)."""
    best = probs.reshape(probs.shape[-2], probs.shape[-1]).argmax(-1)
    chars, last = [], 0
    for k in best:
        if k != last and k != 0:
            chars.append(keys[k - 1] if k - 1 < len(keys) else " ")
        last = k
    return "".join(chars)


def assigned_bits(path, chosen):
    """Average weight bits of an assignment file, with the chosen report's
    per-layer sizes."""
    import json
    assignment = json.load(open(path))
    total = bits = 0
    for layer in chosen["layers"]:
        index = layer["candidates"].index(assignment[layer["name"]])
        bits += layer["bits"][index]
        total += layer["weights"]
    return bits / total


def random_assignment_flags(chosen, seed, plain, work):
    """Flags running a random assignment of about the chosen one's size:
    random precisions, then random layers moved down until within budget
    and up while they still fit (never above it, at most 0.1 bit below)."""
    import json
    rng = random.Random(1000 + seed)
    layers = chosen["layers"]
    total = sum(layer["weights"] for layer in layers)
    target = chosen["average_weight_bits"] * total
    order = [sorted(range(len(l["bits"])), key=lambda c: l["bits"][c])
             for l in layers]
    level = [rng.randrange(len(o)) for o in order]
    size = lambda: sum(l["bits"][o[v]] for l, o, v in
                       zip(layers, order, level))
    while size() > target:
        i = rng.choice([i for i, v in enumerate(level) if v > 0])
        level[i] -= 1
    for _ in range(10000):
        if size() >= target - 0.1 * total:
            break
        i = rng.randrange(len(layers))
        if level[i] + 1 < len(order[i]):
            level[i] += 1
            if size() > target:
                level[i] -= 1
    assignment = {l["name"]: l["candidates"][o[v]]
                  for l, o, v in zip(layers, order, level)}
    path = os.path.join(work, "random-assignment-%d.json" % seed)
    json.dump(assignment, open(path, "w"), indent=1)
    flags = plain[:plain.index("--bits")] + ["--assign-precision", path]
    return flags


def run_quantc(args, model, shape, flags, eval_dir, out, extra):
    cmd = [args.quantc, "run", model, "--input", "x=" + eval_dir,
           "--input-shape", "x=" + shape, "--output-dir", out, "--quiet"]
    cmd += flags + extra
    if args.benchmark_runs:
        cmd += ["--benchmark-runs", str(args.benchmark_runs)]
    start = time.time()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("quantc failed: %s\n%s" % (" ".join(cmd), done.stderr))
    latency = None
    for line in done.stdout.splitlines():
        if line.startswith("latency ms:"):
            latency = float(line.split(":")[1])
        if line.startswith("precision search:"):
            print("  " + line, flush=True)
    outputs = [d for d in glob.glob(os.path.join(out, "*")) if os.path.isdir(d)]
    if len(outputs) != 1:
        sys.exit("expected one output folder in " + out)
    files = sorted(glob.glob(os.path.join(outputs[0], "*.npy")))
    return [np.load(f) for f in files], latency, time.time() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quantc", required=True)
    parser.add_argument("--models", required=True)
    parser.add_argument("--task", choices=sorted(TASKS), required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--methods", default="minmax")
    parser.add_argument("--calib", type=int, default=32)
    parser.add_argument("--eval", type=int, default=100)
    parser.add_argument("--max-drop", type=float)
    parser.add_argument("--min-agreement", type=float)
    parser.add_argument("--min-cosine", type=float)
    parser.add_argument("--min-mean-cosine", type=float)
    parser.add_argument("--min-float", type=float)
    parser.add_argument("--benchmark-runs", type=int, default=0)
    parser.add_argument("--search", type=float,
                        help="also run each method with quantc's precision "
                             "search to this output cosine (on the "
                             "calibration samples)")
    parser.add_argument("--max-float-layers", type=int)
    parser.add_argument("--bits", default="8",
                        help="quantc --bits for the quantized runs: 8, 6, 4, "
                             "ternary or mixed")
    parser.add_argument("--ternary", default="absmean")
    parser.add_argument("--budget", type=float,
                        help="with --bits mixed: --weight-bits-budget")
    parser.add_argument("--sensitivity", default="kl",
                        help="with --bits mixed: quantc --sensitivity")
    parser.add_argument("--solver", default="pareto",
                        help="with --bits mixed: quantc --solver")
    parser.add_argument("--sensitivity-base", default="float",
                        help="with --bits mixed: quantc --sensitivity-base")
    parser.add_argument("--candidates", default="8,4",
                        help="with --bits mixed: quantc --candidates")
    parser.add_argument("--random-assignments", type=int, default=0,
                        help="with --bits mixed: also run this many random "
                             "assignments of the chosen one's size (within "
                             "0.1 bit below it)")
    parser.add_argument("--no-fold-batch-norm", action="store_true",
                        help="calibrate and quantize the unfolded model "
                             "(BatchNorm is folded by default)")
    parser.add_argument("--group", type=int, default=0,
                        help="quantc --group with --bits 4 (0: per channel)")
    parser.add_argument("--activation-bits", type=int, default=8,
                        help="quantc --activation-bits N")
    parser.add_argument("--smooth", type=float, default=None,
                        help="quantc --smooth ALPHA (calibrates from the "
                        "sample folder, not the cache: the smoothed model "
                        "is calibrated again)")
    parser.add_argument("--rotate", choices=["hadamard", "random"],
                        help="quantc --rotate MODE (calibrates from the "
                        "sample folder, not the cache)")
    parser.add_argument("--rotate-convolutions", action="store_true",
                        help="quantc --rotate-convolutions")
    parser.add_argument("--reparameterize", action="store_true",
                        help="quantc --reparameterize (RepQuant)")
    parser.add_argument("--reparameterize-reference", action="store_true",
                        help="quantc --reparameterize-reference (RepQuant's "
                             "per-channel reference)")
    parser.add_argument("--gptq", action="store_true",
                        help="quantc --gptq (with --bits 4 --group G)")
    parser.add_argument("--search-only", action="store_true",
                        help="with --search: skip the runs without it")
    parser.add_argument("--emulate-gpu", action="store_true",
                        help="also run each model through the GPU lowering "
                             "with the kernel launches emulated on the host "
                             "and report how far its outputs are from the "
                             "CPU's")
    parser.add_argument("--max-gpu-diff", type=float,
                        help="with --emulate-gpu: bound on that distance")
    parser.add_argument("--noise-draws", type=int, default=0,
                        help="det: measure each page's float conditioning "
                             "on this many noisy copies")
    args = parser.parse_args()

    keys = open(os.path.join(args.models, "ppocr_keys_v1.txt"),
                encoding="utf-8").read().split("\n")
    words = load_words(keys)
    model_file, shape, flags = TASKS[args.task]
    model = os.path.join(args.models, model_file)
    width = int(shape.split("x")[-1])
    calib_dir = os.path.join(args.work, "calib")
    eval_dir = os.path.join(args.work, "eval")
    # Calibration words are never used in evaluation lines.
    rng = random.Random(1)
    calib_words = set(rng.sample(words, len(words) // 2))
    eval_words = [w for w in words if w not in calib_words]
    if args.task == "det":
        render_pages(calib_dir, sorted(calib_words), set(), 11, args.calib)
        render_pages(eval_dir, eval_words, calib_words, 12, args.eval)
        truth = None
    else:
        rotate = args.task == "cls"
        render_lines(calib_dir, sorted(calib_words), set(), 11, args.calib,
                     width, rotate)
        truth = render_lines(eval_dir, eval_words, calib_words, 12, args.eval,
                             width, rotate)

    # One calibration pass; every method reads its statistics from the cache.
    cache = os.path.join(args.work, "calibration.json")
    methods = [m for m in args.methods.split(",") if m]
    if methods:
        cmd = [args.quantc, "calibrate", model, "--calib", calib_dir,
               "--input-shape", "x=" + shape, "-o", cache, "--quiet"] + flags
        if args.no_fold_batch_norm:
            cmd.append("--fold-batch-norm=false")
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit("quantc failed: %s\n%s" % (" ".join(cmd), done.stderr))
    failures = []
    # det: how far float itself moves under invisible input noise, per page.
    stability = None
    if args.task == "det" and args.noise_draws:
        noise_dir = os.path.join(args.work, "eval-noise")
        add_pixel_noise(eval_dir, noise_dir, args.noise_draws, 13)
        noisy, _, _ = run_quantc(args, model, shape, flags, noise_dir,
                                 os.path.join(args.work, "out-noise"), [])
        clean, _, _ = run_quantc(args, model, shape, flags, eval_dir,
                                 os.path.join(args.work, "out-clean"), [])
        draws = args.noise_draws
        stability = [min(cosine(page, noisy[i * draws + k])
                         for k in range(draws))
                     for i, page in enumerate(clean)]
        print("det float under +-1 pixel noise (%d draws): cosine min "
              "%.5f mean %.5f" % (draws, min(stability), np.mean(stability)),
              flush=True)
    runs = [("float", [])]
    for m in methods:
        plain = ["--calib", cache, "--method", m, "--bits", args.bits,
                 "--group", str(args.group)]
        if args.no_fold_batch_norm:
            plain.append("--fold-batch-norm=false")
        if args.bits == "ternary":
            plain += ["--ternary", args.ternary]
        if args.bits == "mixed":
            plain = ["--calib", cache, "--method", m, "--bits", "mixed",
                     "--weight-bits-budget", str(args.budget),
                     "--sensitivity", args.sensitivity,
                     "--sensitivity-base", args.sensitivity_base,
                     "--solver", args.solver,
                     "--candidates", args.candidates,
                     "--search-data", calib_dir]
            if args.group:
                plain += ["--group", str(args.group)]
            if args.bits == "mixed" and "ternary" in args.candidates:
                plain += ["--ternary", args.ternary]
        if args.gptq:
            plain.append("--gptq")
        if args.activation_bits != 8:
            plain += ["--activation-bits", str(args.activation_bits)]
        if args.smooth is not None:
            plain[plain.index("--calib") + 1] = calib_dir
            plain += ["--smooth", str(args.smooth)]
        if args.rotate:
            plain[plain.index("--calib") + 1] = calib_dir
            plain += ["--rotate", args.rotate]
        if args.reparameterize:
            plain.append("--reparameterize")
        if args.reparameterize_reference:
            plain.append("--reparameterize-reference")
        if args.rotate_convolutions:
            plain.append("--rotate-convolutions")
        if args.bits == "mixed":
            m += "/mixed%g-%s" % (args.budget, args.sensitivity)
            if args.sensitivity_base != "float":
                m += "-" + args.sensitivity_base
            if args.solver != "pareto":
                m += "-" + args.solver
        elif args.bits != "8":
            m += "/w" + (args.bits if args.bits != "ternary"
                         else "ternary-" + args.ternary)
        if args.group:
            m += "g%d" % args.group
        if args.gptq:
            m += "-gptq"
        if args.activation_bits != 8:
            m += "-a%d" % args.activation_bits
        if args.smooth is not None:
            m += "-smooth%g" % args.smooth
        if args.rotate:
            m += "-rot-" + args.rotate
        if args.rotate_convolutions:
            m += "-conv"
        if args.reparameterize:
            m += "-repquant"
        if args.reparameterize_reference:
            m += "-perchannel"
        if not (args.search and args.search_only):
            runs.append((m, plain))
        if args.search:
            search = ["--search-data", calib_dir,
                      "--min-output-cosine", str(args.search)]
            if args.max_float_layers:
                search += ["--max-float-layers", str(args.max_float_layers)]
            runs.append((m + "+search", plain + search))
        if args.bits == "mixed":
            for k in range(args.random_assignments):
                runs.append((m + "-random%d" % k, ("random", k, plain)))
    reference = None
    float_score = None
    chosen = None
    for name, extra in runs:
        out = os.path.join(args.work, "out-" + name.replace("/", "_"))
        if isinstance(extra, tuple):
            extra = random_assignment_flags(chosen, extra[1], extra[2],
                                            args.work)
        outputs, latency, seconds = run_quantc(args, model, shape, flags,
                                               eval_dir, out, extra)
        line = "%s %-10s" % (args.task, name)
        report = os.path.join(out, "mixed_precision.json")
        if "--bits" in extra and extra[extra.index("--bits") + 1] == "mixed":
            import json
            chosen = json.load(open(report))["mixed_precision"]
            line += " [%.2f bits]" % chosen["average_weight_bits"]
        elif "--assign-precision" in extra:
            line += " [%.2f bits]" % assigned_bits(
                extra[extra.index("--assign-precision") + 1], chosen)
        if args.task == "rec":
            texts, _ = truth
            predicted = [ctc_greedy(o, keys) for o in outputs]
            errors = sum(edit_distance(p, t) for p, t in zip(predicted, texts))
            score = 100.0 * (1 - errors / sum(len(t) for t in texts))
            exact = sum(p == t for p, t in zip(predicted, texts))
            line += " char accuracy %.2f%%  lines %d/%d" % (score, exact,
                                                            len(texts))
        elif args.task == "cls":
            _, labels = truth
            predicted = [int(o.reshape(-1).argmax()) for o in outputs]
            score = 100.0 * np.mean([p == l for p, l in zip(predicted, labels)])
            line += " accuracy %.2f%%" % score
            if reference is not None:
                agreement = np.mean([p == r for p, r in zip(predicted, reference)])
                line += "  agreement with float %.2f%%" % (100 * agreement)
                if args.min_agreement and agreement < args.min_agreement:
                    failures.append("%s agreement %.4f < %.4f" % (
                        name, agreement, args.min_agreement))
            else:
                reference = predicted
        else:
            score = None
            if reference is None:
                reference = outputs
                line += " probability maps, %d pages" % len(outputs)
            else:
                cosines = [cosine(a, b) for a, b in zip(outputs, reference)]
                line += " cosine to float: min %.5f mean %.5f" % (
                    min(cosines), np.mean(cosines))
                bound = args.min_cosine or 0
                for page, value in enumerate(cosines):
                    # A page float itself cannot hold to the bound is held
                    # to what float does under invisible noise.
                    own = min(bound, stability[page]) if stability else bound
                    if value < bound:
                        line += "\n    page %04d: %.5f; float under noise " \
                                "%s" % (page, value, "%.5f" % stability[page]
                                        if stability else "not measured")
                    if value < own:
                        failures.append("%s page %04d cosine %.5f < %.5f" % (
                            name, page, value, own))
                if args.min_mean_cosine and \
                        np.mean(cosines) < args.min_mean_cosine:
                    failures.append("%s mean cosine %.5f < %.5f" % (
                        name, np.mean(cosines), args.min_mean_cosine))
        if score is not None:
            if float_score is None:
                float_score = score
                if args.min_float and score < args.min_float:
                    failures.append("float score %.2f < %.2f" % (
                        score, args.min_float))
            else:
                line += "  (%+.2f points)" % (score - float_score)
                if args.max_drop is not None and \
                        float_score - score > args.max_drop:
                    failures.append("%s drops %.2f points > %.2f" % (
                        name, float_score - score, args.max_drop))
        if latency is not None:
            line += "  latency %.2f ms" % latency
        if args.emulate_gpu:
            gpu, _, _ = run_quantc(args, model, shape, flags, eval_dir,
                                   out + "-gpu", extra + ["--emulate-gpu"])
            diff = max(float(np.abs(g - c).max())
                       for g, c in zip(gpu, outputs))
            line += "\n    GPU kernels (emulated): max |gpu - cpu| %.3g" % diff
            if args.max_gpu_diff is not None and not diff <= args.max_gpu_diff:
                failures.append("%s GPU kernels differ by %.3g > %g" % (
                    name, diff, args.max_gpu_diff))
        print(line, flush=True)
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("%s: ok" % args.task)


if __name__ == "__main__":
    main()
