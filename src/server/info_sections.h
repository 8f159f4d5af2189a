// The text of INFO: Redis 7.0's sections, field names and field order, "# Section" headers,
// CRLF line ends and an empty line between sections (genRedisInfoString in server.c).
#pragma once

#include <set>
#include <span>
#include <string>
#include <string_view>

namespace duet {

class Server;

// Which sections to print (Redis's genInfoSectionDict): no argument or "default" selects the
// default sections; "all" adds commandstats and latencystats; "everything" adds module
// sections (duet has none); other words name sections, case-insensitively. Unknown names
// select nothing.
struct InfoRequest {
  std::set<std::string> sections;
  bool all = false;
  bool everything = false;
};
InfoRequest ParseInfoArgs(std::span<const std::string_view> args);

// Generates the INFO text for the request.
std::string GenerateInfo(Server& server, const InfoRequest& req);

// Section bodies, each ending with CRLF after its last field (info_sections*.cc).
void AppendServerSection(Server& s, std::string& out);
void AppendClientsSection(Server& s, std::string& out);
void AppendMemorySection(Server& s, std::string& out);
void AppendPersistenceSection(Server& s, std::string& out);
void AppendStatsSection(Server& s, std::string& out);
void AppendReplicationSection(Server& s, std::string& out);
void AppendCpuSection(std::string& out);
void AppendCommandStatsSection(Server& s, std::string& out);
void AppendErrorStatsSection(Server& s, std::string& out);
void AppendLatencyStatsSection(Server& s, std::string& out);
void AppendKeyspaceSection(Server& s, std::string& out);

// Redis's bytesToHuman: "919.20K", "11.59M", "0B".
std::string BytesToHuman(uint64_t n);

}  // namespace duet
