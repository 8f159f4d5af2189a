#!/usr/bin/env python3
"""Config files and command-line options, duet against redis-server 7.0.15.

Both servers get the same config files and options; the test compares exit codes, the
"*** FATAL CONFIG FILE ERROR ***" report (stderr), the log line for unreadable files,
CONFIG GET of every directive for good configs, and what CONFIG REWRITE makes of a file
(comments, positions, removed duplicates, appended directives)."""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.resp import RawConnection, encode  # noqa: E402
from lib.servers import ServerProcess, duet_binary, free_port  # noqa: E402

LOG_PREFIX = re.compile(r"^\d+:[CM] \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} [.\-*#] ")

BAD_CONFIGS = {
    "wrong_arg_count": "port 1 2\n",
    "unknown_directive_after_comments": "# a comment\n\n   # indented\nfoo bar\n",
    "bad_memory": "maxmemory 12abc\n",
    "bad_integer": "hz ten\n",
    "integer_out_of_range": "maxmemory-samples 0\n",
    "unbalanced_quotes": 'requirepass "unbalanced\n',
    "quote_then_text": 'requirepass "a"b\n',
    "alias_without_value": "hash-max-ziplist-entries\n",
    "bad_enum": "loglevel loud\n",
    "loglevel_nothing_is_7_2": "loglevel nothing\n",
    "bad_bool": "appendonly maybe\n",
    "bad_policy": "maxmemory-policy lru\n",
    "bad_save": "save 900\n",
    "bad_save_seconds": "save 0 1\n",
    "bad_keyspace_events": "notify-keyspace-events KEZ\n",
    "bad_output_buffer_class": "client-output-buffer-limit master 0 0 0\n",
    "bad_output_buffer_numbers": "client-output-buffer-limit normal 1x 0 0\n",
    "bad_oom_values": "oom-score-adj-values 0 200\n",
    "bad_replicaof_port": "replicaof 127.0.0.1 99999\n",
    "replicaof_one_arg": "replicaof 127.0.0.1\n",
    "dbfilename_path": "dbfilename /tmp/dump.rdb\n",
    "appendfilename_empty": 'appendfilename ""\n',
    "error_on_later_line": "port 7000\nmaxmemory 1gb\n\ntimeout -1\n",
    "rename_command_arity": "rename-command FLUSHALL\n",
    "include_arity": "include\n",
    "sentinel_directive": "sentinel monitor m 127.0.0.1 6379 2\n",
    "module_config_without_value": "mymodule.setting\n",
    "bad_percentiles": "latency-tracking-info-percentiles 50 abc\n",
    "shutdown_flags_conflict": "shutdown-on-sigterm save nosave\n",
    "bad_hostname": "cluster-announce-hostname a_b\n",
    "bad_proc_title": "proc-title-template {nope}\n",
    "logfile_unwritable": "logfile /nonexistent-dir/x.log\n",
    "too_many_binds": "bind " + " ".join("127.0.0.%d" % i for i in range(1, 18)) + "\n",
    "tab_separated_bad": "timeout\t-5\n",
    "crlf_line_ends": "timeout 5\r\nmaxmemory oops\r\n",
    "rename_unknown_command": "rename-command nosuch x\n",
    "rename_to_existing_command": "rename-command get set\n",
    "rename_removed_command": 'rename-command get ""\nrename-command get x\n',
    "rename_to_taken_new_name": "rename-command get x\nrename-command set x\n",
}

BAD_OPTIONS = [
    ["--port", "7000", "foo"],
    ["--port", "7000", "--loglevel", "nope"],
    ["--save", "--loglevel", "nope"],
    ["--loglevel"],
    ["--port", "7000", "--", "--x"],
    ["--requirepass", 'a"b\n', "--x"],
    ["--bind", "127.0.0.1 ::1", "--x"],
    ["--maxmemory", "10xb"],
    ["-x"],
    ["--Maxmemory", "1", "2"],
]

GOOD_CONFIG = """# comment at the top
bind 127.0.0.1
protected-mode no
  timeout 17
maxmemory 64mb
maxmemory-policy allkeys-lru
save 900 1
save 300 10
save 60 10000
appendonly no
appendfsync always
slave-read-only no
hash-max-ziplist-entries 256
list-max-ziplist-size -3
zset-max-listpack-value 1kb
client-output-buffer-limit pubsub 64mb 16mb 90
client-output-buffer-limit replica 512mb 128mb 120
notify-keyspace-events "Ex"
latency-tracking-info-percentiles 50 90 99.99
oom-score-adj-values 0 100 500
requirepass 'secret pass'
slowlog-log-slower-than 5000
loglevel warning
loglevel notice
hz 1000
maxmemory-clients 5%
lua-time-limit 4000
shutdown-on-sigterm save now
rename-command DEBUG ""
list-max-ziplist-entries 512
"""

IGNORED_DIRECTIVES = {"port", "dir"}
# Directives only duet has (the metrics endpoint), with their defaults: checked, then left out
# of the comparison with redis-server.
DUET_ONLY_DIRECTIVES = {"metrics-port": "0", "metrics-bind": "127.0.0.1",
                        "metrics-bullmq-prefix": "bull"}


def pop_duet_only(test, duet_values):
    for k, default in DUET_ONLY_DIRECTIVES.items():
        test.assertEqual(duet_values.pop(k, None), default, k)


def unlog(text):
    """Strips Redis's log prefix ("pid:C date #") from each line."""
    return "\n".join(LOG_PREFIX.sub("", line) for line in text.splitlines())


def run_to_exit(binary, args, stdin_text=None, timeout=5.0):
    """Runs a server expected to fail; returns (exit code, stdout, stderr). A server that
    starts anyway is killed and reported with exit code None."""
    proc = subprocess.Popen([binary] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(stdin_text or "", timeout=timeout)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return None, out, err


def command(port, *args, password=None):
    c = RawConnection(port)
    try:
        if password is not None:
            c.send(encode(["AUTH", password]))
            c.read_reply()
        c.send(encode(list(args)))
        return c.read_reply()
    finally:
        c.close()


def config_get_all(port, password=None):
    reply = command(port, "CONFIG", "GET", "*", password=password)
    # RESP2 flat array of bulk strings.
    items, pos = [], reply.index(b"\r\n") + 2
    while pos < len(reply):
        eol = reply.index(b"\r\n", pos)
        n = int(reply[pos + 1:eol])
        items.append(reply[eol + 2:eol + 2 + n].decode())
        pos = eol + 2 + n + 2
    return {items[i]: items[i + 1] for i in range(0, len(items), 2)}


class ConfigFileTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="duet-cfg-")

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def compare_failure(self, args, stdin_text=None):
        results = []
        for binary in ("redis-server", duet_binary()):
            rc, out, err = run_to_exit(binary, args, stdin_text)
            results.append((rc, unlog(out).strip() if rc else "", err))
        redis, duet = results
        self.assertEqual(redis[0], 1, f"redis-server did not fail: {args}")
        self.assertEqual(duet, redis, f"args {args}")

    def test_bad_config_files(self):
        for name, text in BAD_CONFIGS.items():
            with self.subTest(config=name):
                path = self.write(name + ".conf", text)
                self.compare_failure([path, "--port", str(free_port())])

    def test_bad_command_line_options(self):
        for args in BAD_OPTIONS:
            with self.subTest(args=args):
                self.compare_failure(args)

    def test_missing_config_file(self):
        self.compare_failure([os.path.join(self.tmp, "missing.conf")])
        # Relative paths are reported made absolute.
        old = os.getcwd()
        os.chdir(self.tmp)
        try:
            self.compare_failure(["nothere.conf", "--port", "7000"])
        finally:
            os.chdir(old)

    def test_missing_include(self):
        path = self.write("inc.conf", "timeout 1\ninclude %s/nope.conf\n" % self.tmp)
        self.compare_failure([path])

    def test_error_inside_include_counts_its_own_lines(self):
        inc = self.write("inner.conf", "\n\nmaxmemory lots\n")
        path = self.write("outer.conf", "timeout 1\ninclude %s\n" % inc)
        self.compare_failure([path])

    def test_stdin_config_error(self):
        self.compare_failure(["-", "--port", "x"], stdin_text="timeout 3\n")

    def test_good_config_same_values(self):
        inc = self.write("extra.conf", "tcp-keepalive 77\n")
        conf = GOOD_CONFIG + "include %s\n" % inc + "include %s/empty.d/*.conf\n" % self.tmp
        os.mkdir(os.path.join(self.tmp, "empty.d"))
        values = []
        for kind in ("redis", "duet"):
            s = ServerProcess(kind, config_text=conf)
            try:
                values.append(config_get_all(s.port, password="secret pass"))
            finally:
                s.stop()
        redis, duet = values
        for k in IGNORED_DIRECTIVES:
            redis.pop(k, None)
            duet.pop(k, None)
        pop_duet_only(self, duet)
        self.assertEqual(sorted(duet), sorted(redis))
        for k in redis:
            self.assertEqual(duet[k], redis[k], k)

    def test_debian_redis_conf(self):
        """The redis.conf Debian ships (every directive documented) loads to the same values."""
        src = "/etc/redis/redis.conf"
        if not os.access(src, os.R_OK):
            self.skipTest("no readable /etc/redis/redis.conf")
        with open(src) as f:
            text = f.read()
        # Run in the foreground, logging to stdout, without touching system paths.
        text = re.sub(r"(?m)^(daemonize|logfile|pidfile|dir) .*$", "", text)
        values = []
        for kind in ("redis", "duet"):
            s = ServerProcess(kind, config_text=text)
            try:
                values.append(config_get_all(s.port))
            finally:
                s.stop()
        for k in IGNORED_DIRECTIVES:
            for v in values:
                v.pop(k, None)
        pop_duet_only(self, values[1])
        self.assertEqual(values[1], values[0])

    def test_command_line_overrides(self):
        args = ["--maxmemory", "2mb", "--save", "--hz", "50", "--notify-keyspace-events", "Kg",
                "--client-output-buffer-limit", "normal 1mb 1mb 1"]
        values = []
        for kind in ("redis", "duet"):
            s = ServerProcess(kind, extra_args=args)
            try:
                values.append(config_get_all(s.port))
            finally:
                s.stop()
        for k in ("maxmemory", "save", "hz", "notify-keyspace-events",
                  "client-output-buffer-limit"):
            self.assertEqual(values[1][k], values[0][k], k)

    def test_rewrite_keeps_comments_and_positions(self):
        inc = self.write("inc.conf", "timeout 5\n")
        template = (
            "# Top comment\n   # indented comment\n\nbind 127.0.0.1\nmaxmemory 100mb\n"
            "save 900 1\nsave 300 10\nslave-read-only yes\nhash-max-ziplist-entries 100\n"
            "include %s\nrename-command FLUSHDB \"\"\nloglevel notice\nloglevel verbose\n"
            "\n\n\n# trailing comment\n" % inc)
        results = []
        for kind in ("redis", "duet"):
            s = ServerProcess(kind, config_text=template)
            try:
                path = os.path.join(s.dir, "server.conf")
                for args in (["CONFIG", "SET", "maxmemory", "200mb"],
                             ["CONFIG", "SET", "notify-keyspace-events", "KEA"],
                             ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0"],
                             ["CONFIG", "SET", "requirepass", 'a b"c']):
                    self.assertEqual(command(s.port, *args), b"+OK\r\n")
                self.assertEqual(command(s.port, "CONFIG", "REWRITE", password='a b"c'),
                                 b"+OK\r\n")
                with open(path) as f:
                    text = f.read().replace(s.dir, "<DIR>").replace(str(s.port), "<PORT>")
                # duet has no ACL users: Redis's generated `user` line is not written.
                text = "".join(line for line in text.splitlines(True)
                               if not line.startswith("user "))
                results.append(text)
            finally:
                s.stop()
        redis, duet = (r.split("# Generated by CONFIG REWRITE\n") for r in results)
        # Up to the signature the file is rewritten in place: identical. After it come the
        # appended directives, in hash order in Redis.
        self.assertEqual(duet[0], redis[0])
        self.assertIn("# Top comment\n# indented comment\n", duet[0])
        self.assertEqual(sorted(duet[1].splitlines()), sorted(redis[1].splitlines()))

    def test_rewrite_without_config_file(self):
        replies = []
        for kind in ("redis", "duet"):
            s = ServerProcess(kind)
            try:
                replies.append(command(s.port, "CONFIG", "REWRITE"))
            finally:
                s.stop()
        self.assertEqual(replies[1], replies[0])

    def test_debug_config_rewrite_force_all_round_trips(self):
        # Every directive written, defaults included; a server started from that file has the
        # same configuration (Redis's "CONFIG REWRITE sanity").
        s = ServerProcess("duet", config_text="enable-debug-command yes\nhz 20\n")
        try:
            before = config_get_all(s.port)
            self.assertEqual(command(s.port, "DEBUG", "CONFIG-REWRITE-FORCE-ALL"), b"+OK\r\n")
            with open(os.path.join(s.dir, "server.conf")) as f:
                text = f.read()
        finally:
            s.stop()
        self.assertIn("\nmaxmemory-policy noeviction\n", text)  # a default, written
        t = ServerProcess("duet", config_text=text)
        try:
            after = config_get_all(t.port)
        finally:
            t.stop()
        for name in ("port", "dir"):
            before.pop(name), after.pop(name)
        self.assertEqual(after, before)

    def test_rewrite_unwritable_directory(self):
        if os.geteuid() == 0:
            self.skipTest("root can write anywhere")
        replies = []
        for kind in ("redis", "duet"):
            s = ServerProcess(kind, config_text="timeout 1\n")
            try:
                os.chmod(s.dir, 0o555)
                replies.append(command(s.port, "CONFIG", "REWRITE"))
            finally:
                os.chmod(s.dir, 0o755)
                s.stop()
        self.assertEqual(replies[1], replies[0])


if __name__ == "__main__":
    unittest.main()
