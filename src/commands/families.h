// The data command families; each Register*Commands lives in its own *_cmds.cc file.
#pragma once

#include "commands/command_table.h"

namespace duet {

void RegisterStringCommands(CommandTable& table);    // GET SET MGET APPEND GETRANGE ...
void RegisterCounterCommands(CommandTable& table);   // INCR DECR INCRBY DECRBY INCRBYFLOAT
void RegisterLcsCommands(CommandTable& table);       // LCS
void RegisterBitmapCommands(CommandTable& table);    // SETBIT GETBIT BITCOUNT BITPOS BITOP
void RegisterBitfieldCommands(CommandTable& table);  // BITFIELD BITFIELD_RO
void RegisterKeyCommands(CommandTable& table);       // DEL RENAME COPY OBJECT FLUSHALL ...
void RegisterExpireCommands(CommandTable& table);    // EXPIRE* TTL PTTL EXPIRETIME PERSIST
void RegisterScanCommands(CommandTable& table);      // KEYS SCAN
void RegisterListCommands(CommandTable& table);      // LPUSH LPOP LRANGE LMOVE LMPOP ...
void RegisterHashCommands(CommandTable& table);      // HSET HGET HDEL HGETALL HSCAN ...
void RegisterZSetCommands(CommandTable& table);      // ZADD ZRANGE ZUNION ... (sorted sets)
// Sets: SADD SREM SISMEMBER SMISMEMBER SCARD SMEMBERS SMOVE SSCAN / SPOP SRANDMEMBER /
// SINTER SINTERCARD SUNION SDIFF and their STORE forms.
void RegisterSetCommands(CommandTable& table);
void RegisterSetAlgebraCommands(CommandTable& table);
void RegisterHllCommands(CommandTable& table);           // PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST
void RegisterSortCommands(CommandTable& table);          // SORT SORT_RO
void RegisterGeoCommands(CommandTable& table);           // GEOADD GEODIST GEOSEARCH GEORADIUS ...
void RegisterBlockingListCommands(CommandTable& table);  // BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP
void RegisterBlockingZSetCommands(CommandTable& table);  // BZPOPMIN BZPOPMAX BZMPOP
void RegisterClusterCommands(CommandTable& table);       // CLUSTER READONLY READWRITE ASKING
void RegisterStreamCommands(CommandTable& table);        // XADD XRANGE XREVRANGE XLEN XDEL XTRIM
void RegisterStreamReadCommands(CommandTable& table);    // XREAD XREADGROUP (BLOCK)
void RegisterStreamGroupCommands(CommandTable& table);   // XGROUP XACK XSETID
void RegisterStreamClaimCommands(CommandTable& table);   // XPENDING XCLAIM XAUTOCLAIM
void RegisterStreamInfoCommands(CommandTable& table);    // XINFO

}  // namespace duet
