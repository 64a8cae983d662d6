#pragma once
// Signals are taken synchronously: SIGTERM, SIGINT and SIGHUP are blocked in every thread
// (block_service_signals() runs before any thread starts) and the main thread waits for them.
// No handler runs asynchronously, and no blocked accept() or sleep can swallow a SIGTERM.

namespace pcie_bar {

enum class ServiceSignal { kStop, kReload };

void block_service_signals();
ServiceSignal wait_for_service_signal();

}  // namespace pcie_bar
