"""Prints what mixed-precision.test checks in a compile report."""
import json
import sys

report = json.load(open(sys.argv[1]))
m = report["mixed_precision"]
layers = m["layers"]
print("signal", m["sensitivity"], "solver", m["solver"], "layers",
      ",".join(l["name"] for l in layers))
total = sum(l["weights"] for l in layers)
bits = sum(l["bits"][l["candidates"].index(l["chosen"])] for l in layers)
print("within budget", abs(bits / total - m["average_weight_bits"]) < 1e-9
      and m["average_weight_bits"] <= m["weight_bits_budget"])
inside = [p["measured"] for p in m["measured_points"] if p["within_budget"]]
print("kept is measured best within budget", m["measured"] == min(inside))
front = [p["average_weight_bits"] for p in m["frontier"]]
print("frontier spans ternary to int8",
      min(front) < 2.5 and max(front) > 8)
print("\n".join(m["output_divergence"]))
fc1 = layers[0]
print("bits per candidate fc1",
      [round(b / fc1["weights"], 2) for b in fc1["bits"]])
