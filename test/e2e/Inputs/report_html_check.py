"""Compares the marks of a rendered mixed-precision report page (Chromium's
--dump-dom) with the JSON report, and checks that the screenshot shows a
drawing. usage: report_html_check.py REPORT.json DOM.html SHOT.png"""
import json
import re
import sys

from PIL import Image

report = json.load(open(sys.argv[1]))["mixed_precision"]
dom = open(sys.argv[2]).read()


def marks(kind):
    """data- attributes of every element of class `kind`."""
    found = []
    for tag in re.findall(r'<\w+ class="%s"[^>]*>' % kind, dom):
        found.append(dict(re.findall(r'data-([\w-]+)="([^"]*)"', tag)))
    return found


def close(a, b):
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))


uniform = marks("uniform")
print("uniform points %d: %s" % (len(uniform),
                                 ", ".join(u["label"] for u in uniform)))
measured = [p for p in report["measured_points"]
            if not p["label"].startswith("uniform")]
drawn = marks("measured")
print("measured points match the report",
      len(drawn) == len(measured) and all(
          close(d["bits"], p["average_weight_bits"]) and
          close(d["measured"], p["measured"])
          for d, p in zip(drawn, measured)))
frontier = marks("frontier-point")
print("frontier points match the report",
      len(frontier) == len(report["frontier"]) and all(
          close(d["bits"], p["average_weight_bits"]) and
          close(d["predicted"], p["predicted"])
          for d, p in zip(frontier, report["frontier"])))
kept = marks("kept")
print("kept point matches the report",
      len(kept) == 1 and close(kept[0]["bits"],
                               report["average_weight_bits"]) and
      close(kept[0]["measured"], report["measured"]))
layers = marks("layer")
print("bit map layers", " ".join(l["layer"] for l in layers),
      "match the report",
      [(l["layer"], l["chosen"]) for l in layers] ==
      [(l["name"], l["chosen"]) for l in report["layers"]])
# Rendered: the page's plot and marks put colour on the screenshot.
shot = Image.open(sys.argv[3]).convert("RGB")
colours = shot.getcolors(maxcolors=1 << 20) or []
blue = sum(n for n, (r, g, b) in colours if b > 150 and r < 80)
orange = sum(n for n, (r, g, b) in colours if r > 200 and 100 < g < 160 and b < 40)
print("rendered", shot.size == (1000, 900) and blue > 50 and orange > 50)
