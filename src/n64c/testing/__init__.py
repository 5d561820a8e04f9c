"""Test material that is useful outside the test suite too: reference
networks built in code (nothing downloaded) and fuzzers."""
