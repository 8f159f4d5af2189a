// PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST: key lookups, Redis's check order and replies
// around types/hyperloglog.h.
//
// An HLL is a string value. Dense values are updated in place in their Entry; sparse ones are
// edited in a scratch copy (at most hll-sparse-max-bytes) and written back. Like Redis's
// dbUnshareStringValue, every command that may write the value tags it "raw".
#include <cstring>
#include <string>

#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "types/hyperloglog.h"
#include "types/string_storage.h"

namespace duet {

namespace {

// isHLLObjectOrReply: the usual WRONGTYPE for other types, the HLL one for strings that
// are not HLLs. Replies and returns false on failure.
bool CheckHll(CommandContext& ctx, const Entry* e) {
  if (e->type() != ValueType::kString) {
    ctx.reply().Error(errors::kWrongType);
    return false;
  }
  if (!hll::IsHll(e->str())) {
    ctx.reply().Error(errors::kHllWrongType);
    return false;
  }
  return true;
}

// Scratch copy of a sparse value being edited; reused so steady-state PFADDs do not allocate.
std::string& Scratch() {
  static thread_local std::string scratch;
  return scratch;
}

// Writes `v` back as the value of the string key in `slot` (TTL kept, tagged raw). A value
// that turned dense gets an exactly sized allocation, as Redis's sdsnewlen does.
Entry* Store(Db& db, KeyTable::SlotRef slot, std::string_view v) {
  auto* e = static_cast<Entry*>(slot.get());
  if (v.size() > e->StrCapacity()) {
    if (v.size() == hll::kDenseSize) {
      int64_t expire = e->has_expire() ? e->expire_ms() : Entry::kNoExpire;
      Entry* dense = Entry::NewStringWithCapacity(e->key(), v, v.size(), expire);
      db.Replace(slot, dense);
      return dense;
    }
    e = strings::GrowForWrite(db, slot, v.size());
  }
  memcpy(e->mutable_str(), v.data(), v.size());
  e->set_str_len(v.size());
  e->set_encoding(StringEncoding::kRaw);
  return e;
}

size_t SparseMaxBytes(CommandContext& ctx) {
  return static_cast<size_t>(ctx.config().hll_sparse_max_bytes);
}

void CmdPfAdd(CommandContext& ctx, ArgReader& args) {
  Db& db = ctx.db();
  std::string_view key = args.Next();
  KeyTable::SlotRef slot = db.Find(key);
  int64_t updated = 0;
  std::string& v = Scratch();
  if (!slot) {
    v = hll::NewSparse();
    updated++;
  } else {
    auto* e = static_cast<Entry*>(slot.get());
    if (!CheckHll(ctx, e)) return;
    e->set_encoding(StringEncoding::kRaw);
    if (hll::Encoding(e->str()) == hll::kDense) {
      // In place: a dense value never changes size.
      auto* regs = reinterpret_cast<uint8_t*>(e->mutable_str()) + hll::kHeaderSize;
      while (args.HasNext()) updated += hll::DenseAdd(regs, args.Next());
      if (updated) {
        hll::InvalidateCache(e->mutable_str());
        ctx.KeyModified(key, kNotifyString, "pfadd");
        ctx.AddDirty(updated - 1);
      }
      return ctx.reply().Integer(updated ? 1 : 0);
    }
    v.assign(e->str());
  }
  size_t max_bytes = SparseMaxBytes(ctx);
  bool corrupt = false;
  while (args.HasNext()) {
    int r = hll::Add(v, args.Next(), max_bytes);
    if (r == 1) updated++;
    if (r < 0) {
      corrupt = true;
      break;
    }
  }
  if (updated && !corrupt) hll::InvalidateCache(v.data());
  if (!slot) {
    db.Add(Entry::NewString(key, v, Entry::kNoExpire, /*raw=*/true));
  } else {
    // Redis edits in place, so the adds before a corrupt opcode stay even on error.
    Store(db, slot, v);
  }
  if (corrupt) return ctx.reply().Error(errors::kHllCorrupt);
  if (updated) {
    ctx.KeyModified(key, kNotifyString, "pfadd");
    ctx.AddDirty(updated - 1);
  }
  ctx.reply().Integer(updated ? 1 : 0);
}

void CmdPfCount(CommandContext& ctx, ArgReader& args) {
  Db& db = ctx.db();
  if (args.Remaining() > 1) {
    // The union's estimate, computed on raw 8-bit registers; nothing is cached.
    uint8_t max[hll::kRegisters] = {};
    while (args.HasNext()) {
      Entry* e = db.FindRead(args.Next());
      if (e == nullptr) continue;
      if (!CheckHll(ctx, e)) return;
      if (!hll::MergeInto(max, e->str())) return ctx.reply().Error(errors::kHllCorrupt);
    }
    return ctx.reply().Integer(static_cast<int64_t>(hll::CountRaw(max)));
  }
  std::string_view key = args.Next();
  Entry* e = db.FindRead(key);
  if (e == nullptr) return ctx.reply().Integer(0);
  if (!CheckHll(ctx, e)) return;
  e->set_encoding(StringEncoding::kRaw);
  if (hll::CacheValid(e->str())) {
    return ctx.reply().Integer(static_cast<int64_t>(hll::CachedCardinality(e->str())));
  }
  bool invalid = false;
  uint64_t card = hll::Count(e->str(), &invalid);
  if (invalid) return ctx.reply().Error(errors::kHllCorrupt);
  // Caching the estimate changes the value: Redis counts it as a write.
  hll::SetCachedCardinality(e->mutable_str(), card);
  ctx.KeyModified(key);
  ctx.reply().Integer(static_cast<int64_t>(card));
}

void CmdPfMerge(CommandContext& ctx, ArgReader& args) {
  Db& db = ctx.db();
  std::string_view dest = args.Peek();
  uint8_t max[hll::kRegisters] = {};
  bool use_dense = false;
  // The destination is merged too (it is the first of the keys).
  while (args.HasNext()) {
    Entry* e = db.FindRead(args.Next());
    if (e == nullptr) continue;
    if (!CheckHll(ctx, e)) return;
    if (hll::Encoding(e->str()) == hll::kDense) use_dense = true;
    if (!hll::MergeInto(max, e->str())) return ctx.reply().Error(errors::kHllCorrupt);
  }
  KeyTable::SlotRef slot = db.Find(dest);
  std::string& v = Scratch();
  if (!slot) {
    v = hll::NewSparse();
  } else {
    v.assign(static_cast<Entry*>(slot.get())->str());
  }
  // A sparse destination cannot be corrupt here: it merged above.
  if (use_dense) hll::SparseToDense(v);
  size_t max_bytes = SparseMaxBytes(ctx);
  for (size_t j = 0; j < hll::kRegisters; j++) {
    if (max[j] != 0) hll::Set(v, j, max[j], max_bytes);
  }
  hll::InvalidateCache(v.data());
  if (!slot) {
    db.Add(Entry::NewString(dest, v, Entry::kNoExpire, /*raw=*/true));
  } else {
    Store(db, slot, v);
  }
  // Redis notifies PFMERGE as a "pfadd" (a mass add of elements).
  ctx.KeyModified(dest, kNotifyString, "pfadd");
  ctx.reply().Ok();
}

void CmdPfDebug(CommandContext& ctx, ArgReader& args) {
  Db& db = ctx.db();
  std::string_view sub = args.Next();
  std::string_view key = args.Next();
  KeyTable::SlotRef slot = db.Find(key);
  if (!slot) return ctx.reply().Error(errors::kHllNoKey);
  auto* e = static_cast<Entry*>(slot.get());
  if (!CheckHll(ctx, e)) return;
  e->set_encoding(StringEncoding::kRaw);
  bool sparse = hll::Encoding(e->str()) == hll::kSparse;

  // GETREG and TODENSE convert a sparse value (a change Redis propagates but does not
  // signal to WATCH).
  auto to_dense = [&]() -> Entry* {
    std::string& v = Scratch();
    v.assign(e->str());
    if (!hll::SparseToDense(v)) return nullptr;
    ctx.AddDirty(1);
    return Store(db, slot, v);
  };

  if (EqualsIgnoreCase(sub, "getreg")) {
    if (sparse && (e = to_dense()) == nullptr) return ctx.reply().Error(errors::kHllCorrupt);
    const auto* regs = reinterpret_cast<const uint8_t*>(e->str().data()) + hll::kHeaderSize;
    ctx.reply().ArrayHeader(hll::kRegisters);
    for (size_t j = 0; j < hll::kRegisters; j++) ctx.reply().Integer(hll::DenseGet(regs, j));
  } else if (EqualsIgnoreCase(sub, "decode")) {
    if (!sparse) return ctx.reply().Error(errors::kHllNotSparse);
    ctx.reply().Bulk(hll::DecodeSparse(e->str()));
  } else if (EqualsIgnoreCase(sub, "encoding")) {
    ctx.reply().SimpleString(sparse ? "sparse" : "dense");
  } else if (EqualsIgnoreCase(sub, "todense")) {
    if (sparse && to_dense() == nullptr) return ctx.reply().Error(errors::kHllCorrupt);
    ctx.reply().Integer(sparse ? 1 : 0);
  } else {
    ctx.reply().Error(errors::UnknownPfdebugSubcommand(sub));
  }
}

void CmdPfSelfTest(CommandContext& ctx, ArgReader& args) {
  std::string failure = hll::SelfTest(SparseMaxBytes(ctx));
  if (!failure.empty()) return ctx.reply().Error(failure);
  ctx.reply().Ok();
}

}  // namespace

void RegisterHllCommands(CommandTable& table) {
  using enum CmdFlag;
  table.Add({.name = "pfadd",
             .arity = -2,
             .flags = kWrite | kDenyOom | kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdPfAdd,
             .acl_categories = "@write @hyperloglog @fast"});
  table.Add({.name = "pfcount",
             .arity = -2,
             .flags = kReadOnly | kMayReplicate,
             .first_key = 1,
             .last_key = -1,
             .step = 1,
             .handler = CmdPfCount,
             .acl_categories = "@read @hyperloglog @slow"});
  table.Add({.name = "pfmerge",
             .arity = -2,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = -1,
             .step = 1,
             .handler = CmdPfMerge,
             .acl_categories = "@write @hyperloglog @slow"});
  table.Add({.name = "pfdebug",
             .arity = 3,
             .flags = kWrite | kDenyOom | kAdmin,
             .first_key = 2,
             .last_key = 2,
             .step = 1,
             .handler = CmdPfDebug,
             .acl_categories = "@write @hyperloglog @admin @slow @dangerous"});
  table.Add({.name = "pfselftest",
             .arity = 1,
             .flags = kAdmin,
             .first_key = 0,
             .last_key = 0,
             .step = 0,
             .handler = CmdPfSelfTest,
             .acl_categories = "@hyperloglog @admin @slow @dangerous"});
}

}  // namespace duet
