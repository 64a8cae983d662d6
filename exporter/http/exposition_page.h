#pragma once
// What the web server hands out at /metrics: a whole page, plain and gzip-compressed. The
// metrics side builds one when a device records something; the page is compressed then, once,
// however many scrapes ask for it.

#include <string>

namespace pcie_bar {

struct ExpositionPage {
  explicit ExpositionPage(std::string page);
  std::string text, gzipped;
};

}  // namespace pcie_bar
