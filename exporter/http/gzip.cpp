#include "exporter/http/gzip.h"

#include <zlib.h>

#include <stdexcept>

namespace pcie_bar {

std::string gzip(const std::string& data) {
  z_stream z{};
  constexpr int kGzipWindow = 15 + 16;  // 32 KiB window, gzip header and trailer
  if (deflateInit2(&z, 1, Z_DEFLATED, kGzipWindow, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);  // deflateBound guarantees one call suffices
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
  return out;
}

}  // namespace pcie_bar
