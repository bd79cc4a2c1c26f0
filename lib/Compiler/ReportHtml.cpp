//===- ReportHtml.cpp - the mixed-precision frontier as a web page ------===//
//
// Part of quantc. Drawn from the JSON report alone (so a report written
// earlier, or by the Python package, draws the same): an SVG plot of
// output divergence against average weight bits, with the frontier the
// solver predicted, the points measured end to end, the uniform
// assignments and the kept point; then a bit map of every layer's choice.
// Every mark carries data- attributes with its numbers, for tests and
// scripts.
//
//===----------------------------------------------------------------------===//

#include "quantc/Compiler/Report.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace {
/// Maps (bits, divergence) to SVG coordinates: bits linear, divergence on
/// a log scale.
struct Axes {
  double minBits, maxBits, minLog, maxLog;
  static constexpr double kLeft = 80, kTop = 30, kWidth = 760, kHeight = 400;
  double x(double bits) const {
    return kLeft + (bits - minBits) / (maxBits - minBits) * kWidth;
  }
  double y(double divergence) const {
    double v = std::log10(std::max(divergence, 1e-12));
    return kTop + (maxLog - v) / (maxLog - minLog) * kHeight;
  }
};

std::string escape(StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// A fixed colour per precision, in candidate order.
StringRef colour(size_t index) {
  static const char *palette[] = {"#1b9e77", "#7570b3", "#d95f02",
                                  "#e7298a", "#66a61e", "#e6ab02"};
  return palette[index % 6];
}

/// A number as data- attributes carry it: every digit a double has.
std::string exact(double value) {
  return formatv("{0}", format("%.17g", value));
}

double number(const json::Object &object, StringRef key) {
  return object.getNumber(key).value_or(0);
}
} // namespace

std::string quantc::mixedPrecisionHtml(const json::Object &report,
                                       StringRef title) {
  const json::Object *mixed = report.getObject("mixed_precision");
  if (!mixed)
    return "";
  const json::Array *frontier = mixed->getArray("frontier");
  const json::Array *measured = mixed->getArray("measured_points");
  const json::Array *layers = mixed->getArray("layers");
  if (!frontier || !measured || !layers)
    return "";

  // Axes over everything drawn.
  Axes axes{1e9, -1e9, 1e9, -1e9};
  auto include = [&](double bits, double divergence) {
    axes.minBits = std::min(axes.minBits, bits);
    axes.maxBits = std::max(axes.maxBits, bits);
    double v = std::log10(std::max(divergence, 1e-12));
    axes.minLog = std::min(axes.minLog, v);
    axes.maxLog = std::max(axes.maxLog, v);
  };
  for (const json::Value &p : *frontier)
    if (const json::Object *point = p.getAsObject())
      include(number(*point, "average_weight_bits"),
              number(*point, "predicted"));
  for (const json::Value &p : *measured)
    if (const json::Object *point = p.getAsObject())
      include(number(*point, "average_weight_bits"),
              number(*point, "measured"));
  double budget = number(*mixed, "weight_bits_budget");
  axes.minBits = std::floor(std::min(axes.minBits, budget)) - 0.25;
  axes.maxBits = std::ceil(std::max(axes.maxBits, budget)) + 0.25;
  axes.minLog = std::floor(axes.minLog);
  axes.maxLog = std::max(std::ceil(axes.maxLog), axes.minLog + 1);

  std::string html;
  raw_string_ostream out(html);
  out << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
      << escape(title) << " - quantc mixed precision</title>\n"
      << "<style>body{font-family:sans-serif;margin:24px}"
         "text{font-size:12px}.axis{stroke:#444}.grid{stroke:#ddd}"
         "table{border-collapse:collapse}td,th{padding:2px 8px;"
         "text-align:left}</style></head><body>\n";
  out << "<h1>" << escape(title) << ": mixed precision</h1>\n";
  out << formatv(
      "<p>Kept: {0} at {1:f2} average weight bits (budget "
      "{2:f2}), measured output divergence {3:g}; sensitivity "
      "{4}, solver {5}, {6} layers. Output divergence: {7}.</p>\n",
      escape(mixed->getString("kept").value_or("")),
      number(*mixed, "average_weight_bits"), budget, number(*mixed, "measured"),
      escape(mixed->getString("sensitivity").value_or("")),
      escape(mixed->getString("solver").value_or("")), layers->size(),
      mixed->getArray("output_divergence") &&
              !mixed->getArray("output_divergence")->empty()
          ? escape((*mixed->getArray("output_divergence"))[0]
                       .getAsString()
                       .value_or(""))
          : std::string("?"));

  // The plot.
  double width = Axes::kLeft + Axes::kWidth + 40,
         height = Axes::kTop + Axes::kHeight + 60;
  out << formatv("<svg id=\"frontier\" xmlns=\"http://www.w3.org/2000/svg\" "
                 "width=\"{0}\" height=\"{1}\">\n",
                 width, height);
  for (int bits = int(std::ceil(axes.minBits)); bits <= axes.maxBits; ++bits)
    out << formatv("<line class=\"grid\" x1=\"{0:f1}\" y1=\"{1}\" "
                   "x2=\"{0:f1}\" y2=\"{2}\"/><text x=\"{0:f1}\" y=\"{3}\" "
                   "text-anchor=\"middle\">{4}</text>\n",
                   axes.x(bits), Axes::kTop, Axes::kTop + Axes::kHeight,
                   Axes::kTop + Axes::kHeight + 16, bits);
  for (int v = int(axes.minLog); v <= axes.maxLog; ++v)
    out << formatv("<line class=\"grid\" x1=\"{0}\" y1=\"{1:f1}\" "
                   "x2=\"{2}\" y2=\"{1:f1}\"/><text x=\"{3}\" y=\"{4:f1}\" "
                   "text-anchor=\"end\">1e{5}</text>\n",
                   Axes::kLeft, axes.y(std::pow(10.0, v)),
                   Axes::kLeft + Axes::kWidth, Axes::kLeft - 6,
                   axes.y(std::pow(10.0, v)) + 4, v);
  out << formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\">average "
                 "stored bits per weight</text>\n",
                 Axes::kLeft + Axes::kWidth / 2,
                 Axes::kTop + Axes::kHeight + 40);
  out << formatv("<text x=\"16\" y=\"{0}\" transform=\"rotate(-90 16 {0})\" "
                 "text-anchor=\"middle\">output divergence from float "
                 "(log)</text>\n",
                 Axes::kTop + Axes::kHeight / 2);
  out << formatv("<line class=\"budget\" x1=\"{0:f1}\" y1=\"{1}\" "
                 "x2=\"{0:f1}\" y2=\"{2}\" stroke=\"#c00\" "
                 "stroke-dasharray=\"6,4\" data-bits=\"{3}\"/>\n",
                 axes.x(budget), Axes::kTop, Axes::kTop + Axes::kHeight,
                 exact(budget));

  // Predicted frontier: a step line with a dot per point.
  std::string path;
  for (const json::Value &p : *frontier) {
    const json::Object *point = p.getAsObject();
    if (!point)
      continue;
    path += formatv("{0}{1:f1},{2:f1} ", path.empty() ? "M" : "L",
                    axes.x(number(*point, "average_weight_bits")),
                    axes.y(number(*point, "predicted")));
  }
  out << "<path class=\"predicted-frontier\" d=\"" << path
      << "\" fill=\"none\" stroke=\"#999\"/>\n";
  for (const json::Value &p : *frontier)
    if (const json::Object *point = p.getAsObject())
      out << formatv("<circle class=\"frontier-point\" cx=\"{0:f1}\" "
                     "cy=\"{1:f1}\" r=\"1.5\" fill=\"#999\" data-bits=\"{2}\" "
                     "data-predicted=\"{3}\"/>\n",
                     axes.x(number(*point, "average_weight_bits")),
                     axes.y(number(*point, "predicted")),
                     exact(number(*point, "average_weight_bits")),
                     exact(number(*point, "predicted")));

  // Measured points: frontier ones as circles, uniform ones as labelled
  // squares, the kept one ringed.
  double keptBits = number(*mixed, "average_weight_bits"),
         keptMeasured = number(*mixed, "measured");
  for (const json::Value &p : *measured) {
    const json::Object *point = p.getAsObject();
    if (!point)
      continue;
    double bits = number(*point, "average_weight_bits"),
           value = number(*point, "measured");
    std::string label = point->getString("label").value_or("").str();
    bool uniform = StringRef(label).starts_with("uniform");
    std::string data = formatv("data-label=\"{0}\" data-bits=\"{1}\" "
                               "data-measured=\"{2}\"",
                               escape(label), exact(bits), exact(value));
    if (uniform)
      out << formatv("<rect class=\"uniform\" x=\"{0:f1}\" y=\"{1:f1}\" "
                     "width=\"10\" height=\"10\" fill=\"#e08000\" {2}/>"
                     "<text x=\"{3:f1}\" y=\"{4:f1}\">{5}</text>\n",
                     axes.x(bits) - 5, axes.y(value) - 5, data,
                     axes.x(bits) + 8, axes.y(value) - 8, escape(label));
    else
      out << formatv("<circle class=\"measured\" cx=\"{0:f1}\" cy=\"{1:f1}\" "
                     "r=\"5\" fill=\"#1f6fd0\" {2}/>\n",
                     axes.x(bits), axes.y(value), data);
  }
  out << formatv("<circle class=\"kept\" cx=\"{0:f1}\" cy=\"{1:f1}\" r=\"10\" "
                 "fill=\"none\" stroke=\"#c00\" stroke-width=\"3\" "
                 "data-bits=\"{2}\" data-measured=\"{3}\"/>\n",
                 axes.x(keptBits), axes.y(keptMeasured), exact(keptBits),
                 exact(keptMeasured));
  out << "</svg>\n<p>Grey: the frontier the sensitivities predict (summed "
         "per layer). Blue: frontier points measured end to end; orange: "
         "uniform assignments; red ring: the kept point; dashed: the "
         "budget.</p>\n";

  // The bit map: one cell per layer, in program order.
  const json::Array *candidates =
      layers->empty() ? nullptr
                      : (*layers)[0].getAsObject()->getArray("candidates");
  std::vector<std::string> names;
  if (candidates)
    for (const json::Value &c : *candidates)
      names.push_back(c.getAsString().value_or("").str());
  out << "<h2>Per-layer precision</h2>\n<p>";
  for (auto [index, name] : llvm::enumerate(names))
    out << formatv("<span style=\"background:{0};color:#fff;padding:2px "
                   "6px;margin-right:6px\">{1}</span>",
                   colour(index), escape(name));
  out << "</p>\n";
  double cell = std::max(4.0, std::min(24.0, 900.0 / layers->size()));
  out << formatv("<svg id=\"bitmap\" xmlns=\"http://www.w3.org/2000/svg\" "
                 "width=\"{0}\" height=\"40\">\n",
                 cell * layers->size() + 2);
  for (auto [index, value] : llvm::enumerate(*layers)) {
    const json::Object *layer = value.getAsObject();
    std::string chosen = layer->getString("chosen").value_or("").str();
    size_t which = llvm::find(names, chosen) - names.begin();
    out << formatv("<rect class=\"layer\" x=\"{0:f1}\" y=\"2\" "
                   "width=\"{1:f1}\" height=\"36\" fill=\"{2}\" "
                   "data-layer=\"{3}\" data-chosen=\"{4}\"><title>{3}: "
                   "{4}</title></rect>\n",
                   index * cell, cell - 1, colour(which),
                   escape(layer->getString("name").value_or("")),
                   escape(chosen));
  }
  out << "</svg>\n<table><tr><th>layer</th><th>weights</th><th>chosen</th>"
         "</tr>\n";
  for (const json::Value &value : *layers) {
    const json::Object *layer = value.getAsObject();
    out << formatv("<tr><td>{0}</td><td>{1}</td><td>{2}</td></tr>\n",
                   escape(layer->getString("name").value_or("")),
                   int64_t(number(*layer, "weights")),
                   escape(layer->getString("chosen").value_or("")));
  }
  out << "</table>\n</body></html>\n";
  return html;
}
