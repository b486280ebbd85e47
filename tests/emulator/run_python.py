"""Runs the Python emulator suites and prints `python: N passed, M failed`."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))

suite = unittest.defaultTestLoader.discover(os.path.dirname(__file__), pattern="test_*.py")
result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
print(f"python: {result.testsRun - failed} passed, {failed} failed")
sys.exit(1 if failed or result.skipped else 0)
