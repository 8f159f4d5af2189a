#!/usr/bin/env python3
"""scripts/backup-queue.sh and scripts/restore-queue.sh against a queue started by
scripts/start.sh on free ports: a verified backup (files, checksums, key count), keeping N,
failures a cron job can act on, a restore that brings the data back (and refuses while the
queue runs or when a backup is damaged)."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.resp import RawConnection, encode  # noqa: E402
from lib.servers import ROOT  # noqa: E402
from test_start_kit import Kit, KitTestCase, call, read_env  # noqa: E402

BACKUP = os.path.join(ROOT, "scripts", "backup-queue.sh")
RESTORE = os.path.join(ROOT, "scripts", "restore-queue.sh")


def fill(port, password):
    """Some BullMQ-shaped keys of several types; returns the expected replies."""
    c = RawConnection(port)
    c.send(encode(["AUTH", password]))
    assert c.read_reply() == b"+OK\r\n"
    cmds = []
    for i in range(50):
        cmds.append(["HSET", f"bull:email:{i}", "name", "send-welcome", "data",
                     '{"to":"user%d@example.com"}' % i, "attemptsMade", "0"])
        cmds.append(["RPUSH", "bull:email:wait", str(i)])
    cmds.append(["ZADD", "bull:email:delayed", "1700000000000", "7", "1700000000001", "8"])
    cmds.append(["SADD", "bull:email:set", "a", "b"])
    cmds.append(["SET", "bull:email:id", "50"])
    cmds.append(["SET", "bull:email:lock", "token", "EX", "3600"])
    c.send(b"".join(encode(cmd) for cmd in cmds))
    for _ in cmds:
        c.read_reply()
    c.close()
    return snapshot(port, password)


def snapshot(port, password):
    return [call(port, password, *cmd) for cmd in (
        ["DBSIZE"], ["LRANGE", "bull:email:wait", "0", "-1"], ["HGETALL", "bull:email:17"],
        ["ZRANGE", "bull:email:delayed", "0", "-1", "WITHSCORES"], ["SMEMBERS", "bull:email:set"],
        ["GET", "bull:email:id"], ["EXISTS", "bull:email:lock"])]


class BackupQueueTest(KitTestCase):
    def setUp(self):
        super().setUp()
        self.backups = os.path.join(self.dir, "backups")

    def start_queue(self):
        kit = Kit(self, "--only", "queue")
        self.kits.append(kit)
        kit.wait_up(self.queue_port)
        pw = read_env(self.env_file)["DUET_QUEUE_PASSWORD"]
        info = call(self.queue_port, pw, "INFO", "server").decode()
        self.server_pids[self.queue_port] = int(info.split("process_id:")[1].split("\r\n")[0])
        return kit, pw

    def run_script(self, kit, script, *args):
        env = dict(kit.env, DUET_BACKUP_DIR=self.backups)
        return subprocess.run(["bash", script, *args], env=env, capture_output=True, text=True,
                              timeout=120)

    def backups_made(self):
        return sorted(d for d in os.listdir(self.backups) if not d.startswith("."))

    def test_backup_keep_and_restore(self):
        kit, pw = self.start_queue()
        expected = fill(self.queue_port, pw)

        r = self.run_script(kit, BACKUP, "--keep", "2")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        first = r.stdout.strip().splitlines()[-1]
        self.assertEqual(os.path.dirname(first), self.backups)
        self.assertIn("verified: 55 keys", r.stdout)
        files = sorted(os.listdir(first))
        for f in ("BACKUP_INFO", "SHA256SUMS", "dump.rdb"):
            self.assertIn(f, files)
        aof_live = os.path.isdir(os.path.join(self.data_dir, "queue", "appendonlydir"))
        self.assertEqual("appendonlydir" in files, aof_live)
        with open(os.path.join(first, "BACKUP_INFO")) as f:
            self.assertIn("keys=55\n", f.read())
        self.assertEqual(subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"],
                                        cwd=first).returncode, 0)
        self.assertEqual(subprocess.run(["redis-check-rdb", os.path.join(first, "dump.rdb")],
                                        capture_output=True).returncode, 0)

        # Two more: only the newest two are kept; no partial directory is left behind.
        for _ in range(2):
            r = self.run_script(kit, BACKUP, "--keep", "2")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        kept = self.backups_made()
        self.assertEqual(len(kept), 2)
        self.assertNotIn(os.path.basename(first), kept)
        self.assertEqual(sorted(os.listdir(self.backups)), kept)
        latest = os.path.join(self.backups, kept[-1])

        # The queue changes after the backup, then the backup is restored.
        call(self.queue_port, pw, "FLUSHALL")
        call(self.queue_port, pw, "SET", "after-backup", "1")
        r = self.run_script(kit, RESTORE, "latest")
        self.assertEqual(r.returncode, 1)
        self.assertIn("stop the queue first", r.stderr)
        self.assertEqual(kit.stop(), 0)

        r = self.run_script(kit, RESTORE, "latest")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"restored {latest}: 55 keys", r.stdout)
        aside = [d for d in os.listdir(os.path.join(self.data_dir, "queue"))
                 if d.startswith("pre-restore-")]
        self.assertEqual(len(aside), 1)  # the replaced data is kept

        kit, pw = self.start_queue()
        self.assertEqual(snapshot(self.queue_port, pw), expected)
        self.assertEqual(call(self.queue_port, pw, "EXISTS", "after-backup"), b":0\r\n")
        self.assertEqual(call(self.queue_port, pw, "CONFIG", "GET", "appendonly"),
                         b"*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n")
        self.assertEqual(kit.stop(), 0)

        # A damaged backup is refused and the data stays as it is.
        with open(os.path.join(latest, "dump.rdb"), "r+b") as f:
            f.seek(20)
            f.write(b"X")
        r = self.run_script(kit, RESTORE, latest)
        self.assertEqual(r.returncode, 1)
        self.assertIn("does not match its SHA256SUMS", r.stderr)
        kit, pw = self.start_queue()
        self.assertEqual(snapshot(self.queue_port, pw), expected)
        self.assertEqual(kit.stop(), 0)

        # With the AOF on, the copied AOF directory restores as well (--from-aof).
        if aof_live:
            r = self.run_script(kit, RESTORE, "--from-aof", os.path.join(self.backups, kept[0]))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("restored dump.rdb and the AOF directory", r.stdout)
            kit, pw = self.start_queue()
            self.assertEqual(snapshot(self.queue_port, pw), expected)
            self.assertEqual(kit.stop(), 0)

    def test_backup_of_a_stopped_queue_fails_with_status_1(self):
        kit, _ = self.start_queue()
        self.assertEqual(kit.stop(), 0)
        r = self.run_script(kit, BACKUP)
        self.assertEqual(r.returncode, 1)
        self.assertIn("backup-queue: FAILED: the queue on 127.0.0.1:", r.stderr)
        self.assertFalse(os.path.exists(self.backups) and self.backups_made())

    def test_usage_errors_exit_2(self):
        kit = Kit.__new__(Kit)
        kit.env = dict(os.environ)
        self.assertEqual(self.run_script(kit, BACKUP, "--keep", "x").returncode, 2)
        self.assertEqual(self.run_script(kit, RESTORE).returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
