// Sparkline: the ASCII graph of a series of values that LATENCY GRAPH draws (Redis's
// sparkline.c, fill mode, linear scale): `rows` text rows of `columns` characters, the lowest
// value at the bottom, each sample's label written vertically under its column after one
// blank line. Output is byte for byte Redis's for the same samples.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace duet {

class Sparkline {
 public:
  // Appends a sample; an empty label means none.
  void Add(double value, std::string_view label);
  // Appends the graph to `out`, wrapping every `columns` samples into a new block separated
  // by an empty line.
  void Render(std::string& out, int columns, int rows) const;

 private:
  struct Sample {
    double value;
    std::string label;
  };
  void RenderRange(std::string& out, int rows, size_t offset, size_t len) const;

  std::vector<Sample> samples_;
  double min_ = 0;
  double max_ = 0;
  size_t labels_ = 0;
};

}  // namespace duet
