// systemd's readiness protocol (sd_notify(3)) without libsystemd: a datagram with
// "KEY=value\n" lines to the unix socket named by $NOTIFY_SOCKET ("@..." is the abstract
// namespace). A unit with Type=notify then counts the service as started only once the data
// is loaded and the listeners accept, and sees STOPPING=1 while the final save runs.
#pragma once

#include <string_view>

namespace duet {

// True when $NOTIFY_SOCKET is set (systemd supervises this process).
bool SdNotifySocketSet();

// Sends `state` (e.g. "READY=1\n") to $NOTIFY_SOCKET. Returns false when the variable is
// unset or invalid or the send fails; never blocks for long (non-blocking datagram).
bool SdNotify(std::string_view state);

}  // namespace duet
