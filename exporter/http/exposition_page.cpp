#include "exporter/http/exposition_page.h"

#include "exporter/http/gzip.h"

namespace pcie_bar {

ExpositionPage::ExpositionPage(std::string text_page, std::string protobuf_page)
    : text(std::move(text_page)),
      gzipped(gzip(text)),
      protobuf(std::move(protobuf_page)),
      protobuf_gzipped(gzip(protobuf)) {}

}  // namespace pcie_bar
