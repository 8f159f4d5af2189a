// Function libraries in RDB form (Redis 7.0.15's rdbSaveFunctions / rdbFunctionLoad and the
// FUNCTION DUMP/RESTORE payload): each library is the FUNCTION2 opcode followed by its whole
// code ("#!lua name=<lib>\n...") as an RDB string. The pre-GA FUNCTION opcode (name, engine,
// optional description, body) is read and turned into the same code, as Redis does.
//
// Only the encoding lives here; creating the libraries is the caller's (scripting/ knows
// libraries, persistence/ knows bytes, server/ joins them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "persistence/rdb_decoder.h"
#include "persistence/rdb_encoder.h"

namespace duet::rdb {

// Writes one FUNCTION2 record per library code.
void WriteFunctions(RdbEncoder& enc, const std::vector<std::string_view>& codes);

// Reads the record that follows a kOpFunction or kOpFunction2 opcode into *code. False with
// Redis's message in *err ("Failed loading library payload", ...) on bad input.
bool ReadFunction(RdbDecoder& dec, uint8_t opcode, std::string* code, std::string* err);

// FUNCTION DUMP's payload: the records, RDB version 10 and the CRC-64 footer.
std::string CreateFunctionsPayload(const std::vector<std::string_view>& codes, bool compress);

// FUNCTION RESTORE's reading of a payload: the library codes, in payload order. False with
// the reply's message (without "ERR ") in *err: a bad version or checksum (the checksum is
// not checked when `skip_checksum`), a record that is not a function, a truncated record.
bool ParseFunctionsPayload(std::string_view payload, bool skip_checksum,
                           std::vector<std::string>* codes, std::string* err);

}  // namespace duet::rdb
