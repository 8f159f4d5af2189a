"""Polling for a condition a black-box test cannot be told about, with a loud timeout."""
import time


def wait_until(pred, what, timeout=60, step=0.02):
    """Calls pred() every `step` seconds until it is true; AssertionError naming `what` after
    `timeout` seconds."""
    deadline = time.time() + timeout
    while not pred():
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(step)
