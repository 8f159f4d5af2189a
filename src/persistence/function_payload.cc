#include "persistence/function_payload.h"

#include "persistence/dump_payload.h"
#include "persistence/rdb_format.h"

namespace duet::rdb {

void WriteFunctions(RdbEncoder& enc, const std::vector<std::string_view>& codes) {
  for (std::string_view code : codes) {
    enc.Byte(kOpFunction2);
    enc.String(code);
  }
}

bool ReadFunction(RdbDecoder& dec, uint8_t opcode, std::string* code, std::string* err) {
  if (opcode == kOpFunction2) {
    if (!dec.String(code)) {
      *err = "Failed loading library payload";
      return false;
    }
    return true;
  }
  // Written by 7.0 release candidates: name, engine, description flag (+ description), body.
  std::string name, engine, desc, body;
  uint64_t has_desc;
  if (!dec.String(&name)) {
    *err = "Failed loading library name";
    return false;
  }
  if (!dec.String(&engine)) {
    *err = "Failed loading engine name";
    return false;
  }
  if (!dec.Length(&has_desc)) {
    *err = "Failed loading library description indicator";
    return false;
  }
  if (has_desc && !dec.String(&desc)) {
    *err = "Failed loading library description";
    return false;
  }
  if (!dec.String(&body)) {
    *err = "Failed loading library blob";
    return false;
  }
  *code = "#!" + engine + " name=" + name + "\n" + body;
  return true;
}

std::string CreateFunctionsPayload(const std::vector<std::string_view>& codes, bool compress) {
  RdbEncoder enc(compress);
  WriteFunctions(enc, codes);
  return FinishDumpPayload(enc);
}

bool ParseFunctionsPayload(std::string_view payload, bool skip_checksum,
                           std::vector<std::string>* codes, std::string* err) {
  if (!VerifyDumpPayload(payload, skip_checksum)) {
    *err = "DUMP payload version or checksum are wrong";
    return false;
  }
  // As Redis, a record may run into the footer; only the loop stops before it.
  RdbDecoder dec(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
  while (dec.remaining() > kDumpFooterBytes) {
    uint8_t type;
    if (!dec.Byte(&type)) {
      *err = "can not read data type";
      return false;
    }
    if (type != kOpFunction && type != kOpFunction2) {
      *err = "given type is not a function";
      return false;
    }
    std::string code;
    if (!ReadFunction(dec, type, &code, err)) return false;
    codes->push_back(std::move(code));
  }
  return true;
}

}  // namespace duet::rdb
