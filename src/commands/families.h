// The data command families; each Register*Commands lives in its own *_cmds.cc file.
#pragma once

#include "commands/command_table.h"

namespace duet {

void RegisterStringCommands(CommandTable& table);  // GET SET ... INCR LCS
void RegisterBitmapCommands(CommandTable& table);  // SETBIT GETBIT BITCOUNT BITPOS BITOP
void RegisterBitfieldCommands(CommandTable& table);  // BITFIELD BITFIELD_RO
void RegisterKeyCommands(CommandTable& table);     // DEL EXPIRE SCAN OBJECT FLUSHALL ...

}  // namespace duet
