#!/usr/bin/env python3
"""The dirty counter (INFO persistence rdb_changes_since_last_save), side by side on
redis-server 7.0.15 and duet: how much each write adds decides when `save` rules fire, so
it must match Redis command by command, including the writes that change nothing."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_clients import SideBySide, Conn  # noqa: E402


def dirty(conn):
    info = conn.cmd("INFO", "persistence").decode()
    return int(re.search(r"rdb_changes_since_last_save:(\d+)", info).group(1))


class DirtyCounterTest(SideBySide):

    def deltas(self, setup, commands):
        """Runs `setup`, then each command of `commands`, and returns how much each added."""
        def run(port):
            c = Conn(port)
            for cmd in setup:
                c.cmd(*cmd)
            out = []
            for cmd in commands:
                before = dirty(c)
                reply = c.cmd(*cmd)
                out.append((" ".join(map(str, cmd)), reply, dirty(c) - before))
            return out
        return self.each(run)

    def test_list_moves_and_trims(self):
        out = self.deltas(
            [("RPUSH", "a", 1, 2, 3, 4, 5, 6), ("RPUSH", "b", "x")],
            [("LMOVE", "a", "b", "LEFT", "RIGHT"),   # one change for the move
             ("LMOVE", "a", "a", "LEFT", "RIGHT"),   # rotation
             ("RPOPLPUSH", "a", "b"),
             ("LMOVE", "nosuch", "b", "LEFT", "LEFT"),
             ("LTRIM", "a", 0, -1),                  # removes nothing: no change
             ("LTRIM", "a", 1, -1),                  # removes one
             ("LTRIM", "a", 5, 10),                  # removes the last three, deletes the key
             ("LTRIM", "a", 0, -1)])                 # no key
        self.assertEqual([d for _, _, d in out], [1, 1, 1, 0, 0, 1, 3, 0])

    def test_blocking_move_served_at_once(self):
        out = self.deltas(
            [("RPUSH", "a", 1, 2), ("RPUSH", "b", "x")],
            [("BLMOVE", "a", "b", "LEFT", "RIGHT", 0), ("BRPOPLPUSH", "a", "b", 0)])
        self.assertEqual([d for _, _, d in out], [1, 1])


if __name__ == "__main__":
    unittest.main()
