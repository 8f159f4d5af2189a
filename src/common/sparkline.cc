#include "common/sparkline.h"

#include <algorithm>

namespace duet {

namespace {
// Three heights per row; multiple rows stack them for more resolution. A column taller than
// the row shows '|'.
constexpr std::string_view kFill = "_o#";
constexpr int kLabelMarginTop = 1;
}  // namespace

void Sparkline::Add(double value, std::string_view label) {
  if (samples_.empty()) {
    min_ = max_ = value;
  } else if (value < min_) {
    min_ = value;
  } else if (value > max_) {
    max_ = value;
  }
  samples_.push_back(Sample{value, std::string(label)});
  if (!label.empty()) labels_++;
}

void Sparkline::Render(std::string& out, int columns, int rows) const {
  for (size_t j = 0; j < samples_.size(); j += static_cast<size_t>(columns)) {
    size_t len = std::min(samples_.size() - j, static_cast<size_t>(columns));
    if (j != 0) out += '\n';
    RenderRange(out, rows, j, len);
  }
}

void Sparkline::RenderRange(std::string& out, int rows, size_t offset, size_t len) const {
  double relmax = max_ - min_;
  if (relmax == 0) relmax = 1;
  const int charset_len = static_cast<int>(kFill.size());
  const int steps = charset_len * rows;
  std::string chars;
  for (int row = 0;; row++) {
    bool more = false;
    chars.assign(len, ' ');
    for (size_t j = 0; j < len; j++) {
      const Sample& s = samples_[j + offset];
      double relval = s.value - min_;
      // Redis's expression: the product is truncated before the division.
      int step = static_cast<int>(static_cast<int>(relval * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < rows) {
        int charidx = step - (rows - row - 1) * charset_len;
        more = true;
        if (charidx >= 0 && charidx < charset_len) {
          chars[j] = kFill[static_cast<size_t>(charidx)];
        } else if (charidx >= charset_len) {
          chars[j] = '|';
        }
      } else {
        // One blank line between the graph and the labels.
        if (labels_ != 0 && row - rows < kLabelMarginTop) {
          more = true;
          break;
        }
        int label_char = row - rows - kLabelMarginTop;
        if (!s.label.empty() && static_cast<int>(s.label.size()) > label_char) {
          more = true;
          chars[j] = s.label[static_cast<size_t>(label_char)];
        }
      }
    }
    if (!more) return;
    out += chars;
    out += '\n';
  }
}

}  // namespace duet
