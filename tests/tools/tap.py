"""tap.py - the "ok - ..." / "not ok - ..." lines of tests/run.sh, for the
Python test drivers (crashtest.py, loadtest.py).  tap.failures counts the
failed checks; a driver exits non-zero when it is not 0."""

failures = 0


def ok(msg):
    print("ok - " + msg, flush=True)


def fail(msg, details=()):
    """A failed check, with up to 8 lines of DETAILS as comments."""
    global failures
    failures += 1
    print("not ok - " + msg, flush=True)
    for d in list(details)[:8]:
        print("    # " + str(d), flush=True)
