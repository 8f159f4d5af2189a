// Every client-visible error string lives here, in Redis 7.0's exact wording.
// Strings are stored without the leading '-'; the reply builder adds it.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace duet::errors {

inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
// Persistence (SAVE, BGSAVE, DUMP, RESTORE).
inline constexpr std::string_view kBgsaveInProgress = "ERR Background save already in progress";
inline constexpr std::string_view kBgsaveChildActive =
    "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in "
    "order to schedule a BGSAVE whenever possible.";
inline constexpr std::string_view kBgrewriteaofInProgress =
    "ERR Background append only file rewriting already in progress";
inline constexpr std::string_view kBgrewriteaofScheduled =
    "Background append only file rewriting scheduled";
inline constexpr std::string_view kBgrewriteaofFailed =
    "ERR Can't execute an AOF background rewriting. Please check the server logs for more "
    "information.";
inline constexpr std::string_view kSaveFailed = "ERR";  // SAVE's reply when rdbSave failed
// Writes while the AOF cannot be written (Redis's writeCommandsGetDiskErrorMessage), then
// strerror of the failure.
inline constexpr std::string_view kMisconfAofPrefix = "MISCONF Errors writing to the AOF file: ";
inline constexpr std::string_view kBgrewriteaofStarted =
    "Background append only file rewriting started";
inline constexpr std::string_view kBadDumpPayload =
    "ERR DUMP payload version or checksum are wrong";
inline constexpr std::string_view kBadRestoreData = "ERR Bad data format";
inline constexpr std::string_view kDebugReloadOptions =
    "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.";
inline constexpr std::string_view kDebugReloadFailed = "ERR Error trying to load the RDB dump";
inline constexpr std::string_view kShutdownFailed = "ERR Errors trying to SHUTDOWN. Check logs.";
inline constexpr std::string_view kBusyKey = "BUSYKEY Target key name already exists.";
inline constexpr std::string_view kInvalidTtl = "ERR Invalid TTL value, must be >= 0";
inline constexpr std::string_view kInvalidIdle = "ERR Invalid IDLETIME value, must be >= 0";
inline constexpr std::string_view kInvalidFreq = "ERR Invalid FREQ value, must be >= 0 and <= 255";
inline constexpr std::string_view kMisconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB "
    "error.";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kBitOffset = "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kBitValue = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kIncrNanInf = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
// ACL denials (the dispatcher, EXEC, scripts, ACL DRYRUN) and ACL command errors.
inline constexpr std::string_view kNoPermKey =
    "NOPERM this user has no permissions to access one of the keys used as arguments";
inline constexpr std::string_view kNoPermChannel =
    "NOPERM this user has no permissions to access one of the channels used as arguments";
std::string NoPermCommand(std::string_view fullname);
// EXEC: a queued command the user may no longer run; `reason` as NoPermExecReason.
std::string NoPermExec(std::string_view reason);
inline constexpr std::string_view kAclUsernameSpaces =
    "ERR Usernames can't contain spaces or null characters";
inline constexpr std::string_view kAclDeleteDefault = "ERR The 'default' user cannot be removed";
inline constexpr std::string_view kAclNoFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
    "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
    "Redis configuration file set) in order to store users in the Redis configuration.";
inline constexpr std::string_view kAclSaveFailed =
    "ERR There was an error trying to save the ACLs. Please check the server logs for more "
    "information";
inline constexpr std::string_view kAclGenpassBits =
    "ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
    "number up to 4096";
std::string AclUnknownCategory(std::string_view name);  // ACL CAT
// ACL SETUSER / LOAD failures: "ERR " + the text, newlines made spaces.
std::string AclError(std::string_view text);
std::string AclUserNotFound(std::string_view name);     // ACL DRYRUN
std::string AclCommandNotFound(std::string_view name);  // ACL DRYRUN
// Texts of script rejections (the engine adds "ERR "), by denial: command, key, channel.
inline constexpr std::string_view kScriptNoPermCommand =
    "The user executing the script can't run this command or subcommand";
inline constexpr std::string_view kScriptNoPermKey =
    "The user executing the script can't access at least one of the keys mentioned in the "
    "command arguments";
inline constexpr std::string_view kScriptNoPermChannel =
    "The user executing the script can't publish to the channel mentioned in the command";
inline constexpr std::string_view kAuthNoPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidDbIndex = "ERR invalid DB index";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kExecAbortBecause =
    "EXECABORT Transaction discarded because of: ";
inline constexpr std::string_view kNotAllowedInMulti =
    "ERR Command not allowed inside a transaction";
inline constexpr std::string_view kWatchInMulti = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view kUnblockReason =
    "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
inline constexpr std::string_view kUnblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";

// Server commands (CLIENT, SLOWLOG, MONITOR, DEBUG, SHUTDOWN, FUNCTION) and the dispatcher
// checks that go with them.
inline constexpr std::string_view kReplicaKeyspace = "ERR Replica can't interact with the keyspace";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
inline constexpr std::string_view kClientIdNotPositive = "ERR client-id should be greater than 0";
inline constexpr std::string_view kInvalidClientId = "ERR Invalid client ID";
// CLIENT KILL MAXAGE (Redis 7.4's wording; 7.0 has no MAXAGE filter).
inline constexpr std::string_view kMaxAgeNotInteger =
    "ERR maxage is not an integer or out of range";
inline constexpr std::string_view kMaxAgeNotPositive = "ERR maxage should be greater than 0";
inline constexpr std::string_view kClientNameInvalid =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kTimeoutNotInteger =
    "ERR timeout is not an integer or out of range";
inline constexpr std::string_view kPauseMode = "ERR CLIENT PAUSE mode must be WRITE or ALL";
inline constexpr std::string_view kSlowlogCount = "ERR count should be greater than or equal to -1";
inline constexpr std::string_view kNoShutdownInProgress = "ERR No shutdown in progress.";
inline constexpr std::string_view kClusterDisabled =
    "ERR This instance has cluster support disabled";
inline constexpr std::string_view kFunctionFlushMode =
    "ERR FUNCTION FLUSH only supports SYNC|ASYNC option";
inline constexpr std::string_view kLibraryNameMissing = "ERR library name argument was not given";
inline constexpr std::string_view kNotPositive = "ERR value is out of range, must be positive";
inline constexpr std::string_view kDebugProtocolType =
    "ERR Wrong protocol type name. Please use one of the following: "
    "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";
inline constexpr std::string_view kResp2NotSupported = "ERR RESP2 is not supported by this command";
inline constexpr std::string_view kDictExpandOom = "ERR OOM in dictTryExpand";
inline constexpr std::string_view kPackedThreshold =
    "ERR argument must be a memory value bigger than 1 and smaller than 4gb";
inline constexpr std::string_view kNotListpack = "ERR Not a listpack encoded object.";
inline constexpr std::string_view kNotQuicklist = "ERR Not a quicklist encoded object.";
inline constexpr std::string_view kNotHashTable =
    "ERR The value stored at the specified key is not represented using an hash table";
inline constexpr std::string_view kOutOfRangeDb = "ERR Out of range database";
inline constexpr std::string_view kNotSdsString = "ERR Not an sds encoded string.";
inline constexpr std::string_view kMaxmemoryClientsDisabled = "ERR maxmemory-clients is disabled.";
inline constexpr std::string_view kRestartFailed =
    "ERR failed to restart the server. Check server logs.";
inline constexpr std::string_view kNoClusterMode =
    "ERR Debug option only available for cluster mode enabled setup!";
// "ERR unknown subcommand or wrong number of arguments for '<sub>'. Try <CMD> HELP."
std::string SubcommandSyntax(std::string_view cmd, std::string_view sub);
// "ERR <CMD> command not allowed. If the <option> option is set to "local", ..." (DEBUG and
// MODULE while enable-debug-command / enable-module-command forbid them).
std::string ProtectedCommand(std::string_view cmd, std::string_view option);
// "ERR No samples available for event '<event>'" (LATENCY GRAPH)
std::string LatencyNoSamples(std::string_view event);
// "ERR Unknown client type '<name>'"
std::string UnknownClientType(std::string_view name);
// "ERR No such user '<name>'"
std::string NoSuchUser(std::string_view name);
// Replication (SYNC, PSYNC, REPLCONF).
inline constexpr std::string_view kPsyncFailoverToMaster =
    "ERR PSYNC FAILOVER can't be sent to a master.";
inline constexpr std::string_view kSyncWithPendingOutput =
    "ERR SYNC and PSYNC are invalid with pending output";
inline constexpr std::string_view kNoMasterLink =
    "NOMASTERLINK Can't SYNC while not connected with my master";
// Replica side (REPLICAOF, the dispatcher on a replica).
inline constexpr std::string_view kInvalidMasterPort = "ERR Invalid master port";
inline constexpr std::string_view kReplicaofFromReplica =
    "ERR Command is not valid when client is a replica.";
inline constexpr std::string_view kReadOnlyReplica =
    "READONLY You can't write against a read only replica.";
inline constexpr std::string_view kMasterDown =
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
inline constexpr std::string_view kUnblockedRoleChange =
    "UNBLOCKED force unblock from blocking operation, instance state changed (master -> "
    "replica?)";
inline constexpr std::string_view kRdbFilterMissing = "ERR Missing rdb-filter-only values";
inline constexpr std::string_view kRdbOnlyRange =
    "ERR value is out of range, value must between 0 and 1";
std::string ReplicaIpTooLong(size_t len);
std::string RdbFilterUnsupported(std::string_view option);
std::string ReplconfUnknownOption(std::string_view option);
// "ERR Unrecognized option '<opt>'" (CLIENT SETINFO)
std::string UnrecognizedOption(std::string_view opt);
// "ERR <attr> cannot contain spaces, newlines or special characters." (CLIENT SETINFO)
std::string InvalidClientAttr(std::string_view attr);
// "ERR Unknown argument <arg>" (FUNCTION LIST)
std::string UnknownArgument(std::string_view arg);
// Bitmap commands.
inline constexpr std::string_view kBitArgument = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kBitOpNotArity =
    "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view kBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";
inline constexpr std::string_view kBitfieldOverflow = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kBitfieldReadOnly =
    "ERR BITFIELD_RO only supports the GET subcommand";
// String commands (SETRANGE, DECRBY, LCS).
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kDecrementOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kLcsNotStrings =
    "ERR The specified keys must contain string values";
inline constexpr std::string_view kLcsIdxAndLen =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kLcsTooLong = "ERR String too long for LCS";
inline constexpr std::string_view kLcsNoMemory =
    "ERR Insufficient memory, failed allocating transient memory for LCS";
inline constexpr std::string_view kLcsOverBulkLimit =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
// MIGRATE.
inline constexpr std::string_view kMigrateKeysNeedsEmptyKey =
    "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";
inline constexpr std::string_view kMigrateConnect =
    "IOERR error or timeout connecting to the client";
inline constexpr std::string_view kMigrateWriteError =
    "IOERR error or timeout writing to target instance";
inline constexpr std::string_view kMigrateReadError =
    "IOERR error or timeout reading to target instance";

// HyperLogLog (PFADD PFCOUNT PFMERGE PFDEBUG).
inline constexpr std::string_view kHllWrongType =
    "WRONGTYPE Key is not a valid HyperLogLog string value.";
inline constexpr std::string_view kHllCorrupt = "INVALIDOBJ Corrupted HLL object detected";
inline constexpr std::string_view kHllNoKey = "ERR The specified key does not exist";
inline constexpr std::string_view kHllNotSparse = "ERR HLL encoding is not sparse";
// "ERR Unknown PFDEBUG subcommand '<sub>'"
std::string UnknownPfdebugSubcommand(std::string_view sub);

// Geo (GEOADD GEODIST GEOSEARCH GEORADIUS ...).
inline constexpr std::string_view kGeoUnit =
    "ERR unsupported unit provided. please use M, KM, FT, MI";
inline constexpr std::string_view kGeoNeedRadius = "ERR need numeric radius";
inline constexpr std::string_view kGeoNeedWidth = "ERR need numeric width";
inline constexpr std::string_view kGeoNeedHeight = "ERR need numeric height";
inline constexpr std::string_view kGeoRadiusNegative = "ERR radius cannot be negative";
inline constexpr std::string_view kGeoBoxNegative = "ERR height or width cannot be negative";
inline constexpr std::string_view kGeoNoMember = "ERR could not decode requested zset member";
inline constexpr std::string_view kGeoCountPositive = "ERR COUNT must be > 0";
inline constexpr std::string_view kGeoAnyNeedsCount =
    "ERR the ANY argument requires COUNT argument";
inline constexpr std::string_view kGeoStoreWith =
    "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD "
    "options";
inline constexpr std::string_view kGeoSearchStoreWith =
    "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options";
// "ERR invalid longitude,latitude pair <lon>,<lat>" (printf %f)
std::string GeoInvalidLonLat(double lon, double lat);
// "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for <cmd>"
std::string GeoNeedFrom(std::string_view cmd);
// "ERR exactly one of BYRADIUS and BYBOX can be specified for <cmd>"
std::string GeoNeedBy(std::string_view cmd);

// Generic key commands (EXPIRE, SCAN, COPY, MOVE, SWAPDB, OBJECT).
inline constexpr std::string_view kExpireNxAndOthers =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtAndLt =
    "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
// Sets (SRANDMEMBER, SINTERCARD; kNumkeysNotPositive is with the lists').
inline constexpr std::string_view kSrandmemberRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
inline constexpr std::string_view kTooManyNumkeys =
    "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";
// SORT.
inline constexpr std::string_view kSortByDenied =
    "ERR BY option of SORT denied due to insufficient ACL permissions.";
inline constexpr std::string_view kSortGetDenied =
    "ERR GET option of SORT denied due to insufficient ACL permissions.";
inline constexpr std::string_view kSortScore =
    "ERR One or more scores can't be converted into double";
inline constexpr std::string_view kIntOutOfRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kInvalidFirstDbIndex = "ERR invalid first DB index";
inline constexpr std::string_view kInvalidSecondDbIndex = "ERR invalid second DB index";
inline constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";
inline constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
// List commands.
inline constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
inline constexpr std::string_view kLposRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
inline constexpr std::string_view kLposCountNegative = "ERR COUNT can't be negative";
inline constexpr std::string_view kLposMaxlenNegative = "ERR MAXLEN can't be negative";
inline constexpr std::string_view kNumkeysNotPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kCountNotPositive = "ERR count should be greater than 0";
// "ERR Unsupported option <opt>" (EXPIRE's flags)
std::string UnsupportedOption(std::string_view opt);

// COMMAND GETKEYS / GETKEYSANDFLAGS.
inline constexpr std::string_view kInvalidCommandSpecified = "ERR Invalid command specified";
inline constexpr std::string_view kCommandHasNoKeys = "ERR The command has no key arguments";
inline constexpr std::string_view kInvalidNumberOfArgsForCommand =
    "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view kInvalidArgsForCommand =
    "ERR Invalid arguments specified for command";

// "ERR wrong number of arguments for '<cmd>' command"
std::string WrongArity(std::string_view cmd);
// "ERR unknown command '<cmd>', with args beginning with: '<a>' '<b>' "
std::string UnknownCommand(std::string_view cmd, const std::string_view* args, size_t nargs);
// "ERR unknown subcommand '<sub>'. Try <CMD> HELP."
std::string UnknownSubcommand(std::string_view cmd, std::string_view sub);
// "ERR invalid expire time in '<cmd>' command"
std::string InvalidExpire(std::string_view cmd);

// Hashes (HINCRBY, HINCRBYFLOAT, HRANDFIELD).
inline constexpr std::string_view kHashValueNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kHashValueNotFloat = "ERR hash value is not a float";
inline constexpr std::string_view kValueNanOrInf = "ERR value is NaN or Infinity";
inline constexpr std::string_view kValueOutOfRange = "ERR value is out of range";
inline constexpr std::string_view kLongOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";

// Pub/Sub and client tracking.
// "ERR Can't execute '<cmd>': only (P|S)SUBSCRIBE / ... are allowed in this context"
std::string NotInSubscriberMode(std::string_view cmd);
// "ERR <CMD> isn't allowed for a DENY BLOCKING client" (SSUBSCRIBE inside EXEC).
std::string SubscribeDenyBlocking(std::string_view cmd);
inline constexpr std::string_view kTrackingOneRedirect =
    "ERR A client can only redirect to a single other client";
inline constexpr std::string_view kTrackingNoRedirectTarget =
    "ERR The client ID you want redirect to does not exist";
inline constexpr std::string_view kTrackingPrefixNeedsBcast =
    "ERR PREFIX option requires BCAST mode to be enabled";
inline constexpr std::string_view kTrackingBcastSwitch =
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and "
    "then re-enabling it with a different mode.";
inline constexpr std::string_view kTrackingOptBcast =
    "ERR OPTIN and OPTOUT are not compatible with BCAST";
inline constexpr std::string_view kTrackingOptinOptout =
    "ERR You can't specify both OPTIN mode and OPTOUT mode";
inline constexpr std::string_view kTrackingOptSwitch =
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and "
    "then re-enabling it with a different mode.";
// "ERR Prefix '<a>' overlaps with an existing prefix '<b>'. Prefixes for a single client
// must not overlap." (`existing`) or "... with another provided prefix ..."
std::string TrackingPrefixOverlap(std::string_view prefix, std::string_view other, bool existing);
inline constexpr std::string_view kCachingNotTracking =
    "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
    "OPTOUT mode enabled";
inline constexpr std::string_view kCachingYesNeedsOptin =
    "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.";
inline constexpr std::string_view kCachingNoNeedsOptout =
    "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.";

// The one mapping from OpStatus to Redis's text. kInvalidExpire needs the command name.
// Scripting (EVAL family, SCRIPT, FUNCTION/FCALL, and what scripts' redis.call is refused).
// Texts given to a script's redis.call lack the "ERR " code (the engine adds it).
inline constexpr std::string_view kNoScript = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view kNumkeysGreater =
    "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view kNumkeysNegative = "ERR Number of keys can't be negative";
inline constexpr std::string_view kScriptWrongArgs =
    "Wrong number of args calling Redis command from script";
inline constexpr std::string_view kScriptUnknownCommand =
    "Unknown Redis command called from script";
inline constexpr std::string_view kScriptNotAllowed =
    "This Redis command is not allowed from script";
inline constexpr std::string_view kScriptReadOnlyWrite =
    "Write commands are not allowed from read-only scripts.";
inline constexpr std::string_view kScriptMasterDown =
    "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and "
    "'allow-stale' flag is not set on the script.";
inline constexpr std::string_view kScriptStaleReplica =
    "Can not execute the command on a stale replica";
inline constexpr std::string_view kScriptOom =
    "-OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kNoReplicas = "NOREPLICAS Not enough good replicas to write.";
inline constexpr std::string_view kScriptRoWriteFlag =
    "ERR Can not execute a script with write flag using *_ro command.";
inline constexpr std::string_view kScriptAllowOom =
    "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";
inline constexpr std::string_view kScriptFlushMode =
    "ERR SCRIPT FLUSH only support SYNC|ASYNC option";
inline constexpr std::string_view kScriptDebugPipeline =
    "ERR SCRIPT DEBUG must be called outside a pipeline";
inline constexpr std::string_view kScriptDebugEvalsha =
    "ERR Please use EVAL instead of EVALSHA for debugging";
inline constexpr std::string_view kScriptDebugMode = "ERR Use SCRIPT DEBUG YES/SYNC/NO";
inline constexpr std::string_view kFunctionNotFound = "ERR Function not found";
inline constexpr std::string_view kBadNumberOfKeys = "ERR Bad number of keys provided";
inline constexpr std::string_view kLibraryNotFound = "ERR Library not found";
inline constexpr std::string_view kFunctionCodeMissing = "ERR Function code is missing";
inline constexpr std::string_view kRestorePolicy =
    "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.";
inline constexpr std::string_view kNotBusy = "NOTBUSY No scripts in execution right now.";
inline constexpr std::string_view kUnkillable =
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
    "either wait the script termination or kill the server in a hard way using the SHUTDOWN "
    "NOSAVE command.";
inline constexpr std::string_view kBusyEval =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
// A command without the loading flag while the dataset loads (startup, DEBUG RELOAD/LOADAOF).
inline constexpr std::string_view kLoading = "LOADING Redis is loading the dataset in memory";

std::string_view FromOpStatus(OpStatus st);

// Streams (XADD XRANGE XREAD XGROUP XCLAIM XINFO ...).
inline constexpr std::string_view kStreamBadId =
    "ERR Invalid stream ID specified as stream command argument";
inline constexpr std::string_view kStreamMaxlenMinid =
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
inline constexpr std::string_view kStreamMaxlenNegative = "ERR The MAXLEN argument must be >= 0.";
inline constexpr std::string_view kStreamLimitNegative = "ERR The LIMIT argument must be >= 0.";
inline constexpr std::string_view kStreamLimitNoStrategy =
    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
inline constexpr std::string_view kStreamXtrimNoStrategy =
    "ERR syntax error, XTRIM must be called with a trimming strategy";
inline constexpr std::string_view kStreamLimitNoApprox =
    "ERR syntax error, LIMIT cannot be used without the special ~ option";
inline constexpr std::string_view kStreamIdZero =
    "ERR The ID specified in XADD must be greater than 0-0";
inline constexpr std::string_view kStreamExhausted =
    "ERR The stream has exhausted the last possible ID, unable to add more items";
inline constexpr std::string_view kStreamIdTooSmall =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
inline constexpr std::string_view kStreamTooLarge = "ERR Elements are too large to be stored";
inline constexpr std::string_view kStreamBadStart = "ERR invalid start ID for the interval";
inline constexpr std::string_view kStreamBadEnd = "ERR invalid end ID for the interval";
inline constexpr std::string_view kXreadUnbalanced =
    "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
inline constexpr std::string_view kXreadGroupOption =
    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr std::string_view kXreadNoackOption =
    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr std::string_view kXreadMissingGroup = "ERR Missing GROUP option for XREADGROUP";
inline constexpr std::string_view kXreadGroupDollar =
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
    "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID "
    "would just return an empty result set.";
inline constexpr std::string_view kXreadGt =
    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
    "<consumer> option.";
inline constexpr std::string_view kXreadGroupGone =
    "NOGROUP the consumer group this client was blocked on no longer exists";
inline constexpr std::string_view kXreadStreamGone = "UNBLOCKED the stream key no longer exists";
inline constexpr std::string_view kEntriesReadRange =
    "ERR value for ENTRIESREAD must be positive or -1";
inline constexpr std::string_view kBusyGroup = "BUSYGROUP Consumer Group name already exists";
inline constexpr std::string_view kXgroupNeedKey =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
    "use the MKSTREAM option to create an empty stream automatically.";
inline constexpr std::string_view kEntriesAddedPositive = "ERR entries_added must be positive";
inline constexpr std::string_view kXsetidSmallerThanMaxDeleted =
    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
inline constexpr std::string_view kXsetidSmallerThanTop =
    "ERR The ID specified in XSETID is smaller than the target stream top item";
inline constexpr std::string_view kXsetidEntriesAdded =
    "ERR The entries_added specified in XSETID is smaller than the target stream length";
inline constexpr std::string_view kXclaimMinIdle = "ERR Invalid min-idle-time argument for XCLAIM";
inline constexpr std::string_view kXautoclaimMinIdle =
    "ERR Invalid min-idle-time argument for XAUTOCLAIM";
inline constexpr std::string_view kXclaimIdle = "ERR Invalid IDLE option argument for XCLAIM";
inline constexpr std::string_view kXclaimTime = "ERR Invalid TIME option argument for XCLAIM";
inline constexpr std::string_view kXclaimRetry =
    "ERR Invalid RETRYCOUNT option argument for XCLAIM";
// "ERR <cmd> command is not allowed with BLOCK option from scripts"
std::string StreamBlockFromScript(std::string_view cmd);
// "NOGROUP No such key '<key>' or consumer group '<group>' in XREADGROUP with GROUP option"
std::string XreadNoGroup(std::string_view key, std::string_view group);
// "NOGROUP No such consumer group '<group>' for key name '<key>'"
std::string NoSuchGroupForKey(std::string_view group, std::string_view key);
// "NOGROUP No such key '<key>' or consumer group '<group>'" (XPENDING XCLAIM XAUTOCLAIM)
std::string NoSuchKeyOrGroup(std::string_view key, std::string_view group);
// "ERR Unrecognized XCLAIM option '<opt>'"
std::string UnrecognizedXclaimOption(std::string_view opt);

}  // namespace duet::errors
