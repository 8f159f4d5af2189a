// Metadata of Redis 7.0's "connection" group for COMMAND INFO / DOCS / GETKEYS (see
// command_meta.h). Facts (arity, flags, key specs, tips, arguments, history) as redis-server 7.0.15
// reports them; the summaries are duet's own.
#include "commands/command_meta.h"

namespace duet {

namespace {

constexpr CommandMetaDef kDefs[] = {
    {.name = "auth",
     .summary = "Authenticates the connection with a password, or a user name and password.",
     .since = "1.0.0",
     .complexity = "O(N) where N is the number of passwords defined for the user",
     .redis = "-2 0 0 0 noscript,loading,stale,fast,no_auth,allow_busy @fast,@connection",
     .args = "string:username?@6.0.0 string:password",
     .history = "6.0.0 Added ACL style (username and password)."},
    {.name = "client",
     .summary = "Groups the subcommands that inspect and control client connections.",
     .since = "2.4.0",
     .complexity = "Depends on subcommand.",
     .redis = "-2 0 0 0 - @slow"},
    {.name = "client|caching",
     .summary = "Decides whether the keys read by the next command are tracked for this client.",
     .since = "6.0.0",
     .complexity = "O(1)",
     .redis = "3 0 0 0 noscript,loading,stale @slow,@connection",
     .args = "oneof:mode[pure-token:yes=YES pure-token:no=NO]"},
    {.name = "client|getname",
     .summary = "Returns the name given to the connection, if any.",
     .since = "2.6.9",
     .complexity = "O(1)",
     .redis = "2 0 0 0 noscript,loading,stale @slow,@connection"},
    {.name = "client|getredir",
     .summary = "Returns the id of the client that receives this connection's tracking messages.",
     .since = "6.0.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 noscript,loading,stale @slow,@connection"},
    {.name = "client|help",
     .summary = "Lists the CLIENT subcommands with a short description of each.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 loading,stale @slow,@connection"},
    {.name = "client|id",
     .summary = "Returns the unique id of the connection.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 noscript,loading,stale @slow,@connection"},
    {.name = "client|info",
     .summary = "Describes the calling connection in the CLIENT LIST line format.",
     .since = "6.2.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 noscript,loading,stale @slow,@connection",
     .tips = "nondeterministic_output"},
    {.name = "client|kill",
     .summary = "Closes one or more client connections selected by address, id, type or user.",
     .since = "2.4.0",
     .complexity = "O(N) where N is the number of client connections",
     .redis = "-3 0 0 0 admin,noscript,loading,stale @admin,@slow,@dangerous,@connection",
     .args = "oneof:filter[string:ip:port!2.8.12 oneof:new-format*[integer:client-id=ID?@2.8.12 "
             "oneof:normal_master_slave_pubsub=TYPE?@2.8.12[pure-token:normal=NORMAL "
             "pure-token:master=MASTER@3.2.0 pure-token:slave=SLAVE "
             "pure-token:replica=REPLICA@5.0.0 pure-token:pubsub=PUBSUB] string:username=USER? "
             "string:ip:port=ADDR? string:ip:port=LADDR?@6.2.0 string:yes/no=SKIPME?]]",
     .history = "2.8.12 Added new filter format.\n"
                "2.8.12 `ID` option.\n"
                "3.2.0 Added `master` type in for `TYPE` option.\n"
                "5.0.0 Replaced `slave` `TYPE` with `replica`. `slave` still supported for "
                "backward compatibility.\n"
                "6.2.0 `LADDR` option."},
    {.name = "client|list",
     .summary = "Describes every client connection, one line each.",
     .since = "2.4.0",
     .complexity = "O(N) where N is the number of client connections",
     .redis = "-2 0 0 0 admin,noscript,loading,stale @admin,@slow,@dangerous,@connection",
     .tips = "nondeterministic_output",
     .args = "oneof:normal_master_replica_pubsub=TYPE?@5.0.0[pure-token:normal=NORMAL "
             "pure-token:master=MASTER pure-token:replica=REPLICA pure-token:pubsub=PUBSUB] "
             "block:id=ID?@6.2.0[integer:client-id*]",
     .history = "2.8.12 Added unique client `id` field.\n"
                "5.0.0 Added optional `TYPE` filter.\n"
                "6.0.0 Added `user` field.\n"
                "6.2.0 Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional "
                "`ID` filter.\n"
                "7.0.0 Added `resp`, `multi-mem`, `rbs` and `rbp` fields.\n"
                "7.0.3 Added `ssub` field."},
    {.name = "client|no-evict",
     .summary = "Exempts the connection from client eviction, or makes it subject to it again.",
     .since = "7.0.0",
     .complexity = "O(1)",
     .redis = "3 0 0 0 admin,noscript,loading,stale @admin,@slow,@dangerous,@connection",
     .args = "oneof:enabled[pure-token:on=ON pure-token:off=OFF]"},
    {.name = "client|pause",
     .summary = "Suspends command processing for all clients, or only writes, for a while.",
     .since = "2.9.50",
     .complexity = "O(1)",
     .redis = "-3 0 0 0 admin,noscript,loading,stale @admin,@slow,@dangerous,@connection",
     .args = "integer:timeout oneof:mode?@6.2.0[pure-token:write=WRITE pure-token:all=ALL]",
     .history = "6.2.0 `CLIENT PAUSE WRITE` mode added along with the `mode` option."},
    {.name = "client|reply",
     .summary =
         "Switches the replies to the connection's commands on or off, or skips the next one.",
     .since = "3.2.0",
     .complexity = "O(1)",
     .redis = "3 0 0 0 noscript,loading,stale @slow,@connection",
     .args = "oneof:on_off_skip[pure-token:on=ON pure-token:off=OFF pure-token:skip=SKIP]"},
    {.name = "client|setname",
     .summary = "Gives the connection a name shown by CLIENT LIST.",
     .since = "2.6.9",
     .complexity = "O(1)",
     .redis = "3 0 0 0 noscript,loading,stale @slow,@connection",
     .args = "string:connection-name"},
    // Not in Redis 7.0: duet accepts Redis 7.2's CLIENT SETINFO because ioredis and node-redis
    // send it on connect (see client_cmds.cc). Its entry follows Redis 7.2.
    {.name = "client|setinfo",
     .summary = "Records the name or version of the client library using the connection.",
     .since = "7.2.0",
     .complexity = "O(1)",
     .redis = "4 0 0 0 noscript,loading,stale @slow,@connection",
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .args = "oneof:attr[string:libname=lib-name string:libver=lib-ver]"},
    {.name = "client|tracking",
     .summary = "Turns key tracking for client-side caching on or off for the connection.",
     .since = "6.0.0",
     .complexity = "O(1). Some options may introduce additional complexity.",
     .redis = "-3 0 0 0 noscript,loading,stale @slow,@connection",
     .args = "oneof:status[pure-token:on=ON pure-token:off=OFF] integer:client-id=REDIRECT? "
             "string:prefix=PREFIX?*+ pure-token:bcast=BCAST? pure-token:optin=OPTIN? "
             "pure-token:optout=OPTOUT? pure-token:noloop=NOLOOP?"},
    {.name = "client|trackinginfo",
     .summary = "Describes the connection's client-side caching tracking state.",
     .since = "6.2.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 noscript,loading,stale @slow,@connection"},
    {.name = "client|unblock",
     .summary = "Wakes a client blocked in a blocking command, as on timeout or with an error.",
     .since = "5.0.0",
     .complexity = "O(log N) where N is the number of client connections",
     .redis = "-3 0 0 0 admin,noscript,loading,stale @admin,@slow,@dangerous,@connection",
     .args = "integer:client-id oneof:timeout_error?[pure-token:timeout=TIMEOUT "
             "pure-token:error=ERROR]"},
    {.name = "client|unpause",
     .summary = "Resumes command processing after CLIENT PAUSE.",
     .since = "6.2.0",
     .complexity = "O(N) Where N is the number of paused clients",
     .redis = "2 0 0 0 admin,noscript,loading,stale @admin,@slow,@dangerous,@connection"},
    {.name = "echo",
     .summary = "Returns its argument unchanged.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 loading,stale,fast @fast,@connection",
     .args = "string:message"},
    {.name = "hello",
     .summary =
         "Negotiates the protocol version and optionally authenticates and names the connection.",
     .since = "6.0.0",
     .complexity = "O(1)",
     .redis = "-1 0 0 0 noscript,loading,stale,fast,no_auth,allow_busy @fast,@connection",
     .args = "block:arguments?[integer:protover block:username_password=AUTH?[string:username "
             "string:password] string:clientname=SETNAME?]",
     .history = "6.2.0 `protover` made optional; when called without arguments the command reports "
                "the current connection's context."},
    {.name = "ping",
     .summary = "Checks that the server answers, optionally echoing a message.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "-1 0 0 0 fast @fast,@connection",
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .args = "string:message?"},
    {.name = "quit",
     .summary = "Closes the connection after replying.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "-1 0 0 0 noscript,loading,stale,fast,no_auth,allow_busy @fast,@connection"},
    {.name = "reset",
     .summary = "Returns the connection to its initial state.",
     .since = "6.2.0",
     .complexity = "O(1)",
     .redis = "1 0 0 0 noscript,loading,stale,fast,no_auth,allow_busy @fast,@connection"},
    {.name = "select",
     .summary = "Selects the database the connection works on.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 loading,stale,fast @fast,@connection",
     .args = "integer:index"},
};

}  // namespace

CommandMetaGroup ConnectionCommandMeta() { return {"connection", kDefs}; }

}  // namespace duet
