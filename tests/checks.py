"""The host tests' bookkeeping: a Checks records each expectation that does not
hold, prints it as a FAIL line at once, and gives the exit status and the
summary line that tools/runtests.py reads."""


class Checks:
    """Expectations of one host test, named NAME in its summary line."""

    def __init__(self, name):
        self.name = name
        self.failures = []

    def __call__(self, ok, what):
        """Record WHAT as a failure unless OK."""
        if not ok:
            self.failures.append(what)
            print(f"FAIL {what}")

    def finish(self):
        """Print the summary line; the test's exit status (1 on any failure)."""
        print(f"{self.name}: {len(self.failures)} failures")
        return 1 if self.failures else 0
