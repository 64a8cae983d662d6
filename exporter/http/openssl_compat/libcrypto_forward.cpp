// civetweb also dlopen()s "libcrypto.so", a name only the -dev package provides. This empty
// library, found under that name in lib/pcie_bar_exporter/, depends on the real libcrypto.so.3,
// so civetweb's lookups resolve there and the runtime needs no -dev package.
