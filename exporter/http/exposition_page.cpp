#include "exporter/http/exposition_page.h"

#include "exporter/http/gzip.h"

namespace pcie_bar {

ExpositionPage::ExpositionPage(std::string page) : text(std::move(page)), gzipped(gzip(text)) {}

}  // namespace pcie_bar
