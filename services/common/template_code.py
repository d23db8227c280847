"""One compiled copy of each jinja template per process, whatever Environment loads it.

Each web application keeps an Environment of its own (the console's pages, the web pages,
the texts), and an Environment compiles every template it loads: a process that makes
several applications (the tests, one per service they start) compiled the same files
again each time. jinja's bytecode cache is keyed by the template's file and checked against
its source, so an edited file is compiled anew; the Environments sharing it have the same
options for the same files."""

from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache


class ProcessBytecodeCache(BytecodeCache):
    """jinja's compiled templates, kept in this process's memory."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED = ProcessBytecodeCache()
