"""Synthetic sequence tasks, generated from a seed, with words so scenes can print them.

- ``recall``: "The clouds are dark, it looks like it will ___ (rain)". A cue word at the first
  step decides the answer at the end; every later word is filler, drawn from a set disjoint
  from the cues, so nothing but the first step carries the answer.
- ``cuisine``: the biriyani/pasta example. A person names a dish; in half the sequences a
  second person names another dish later. The answer is the cuisine of the *last* person
  mentioned, so a model must store the first dish and then forget it when the second arrives:
  the forget gate's job.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Task", "RECALL", "CUISINE", "TASKS", "get_task"]


@dataclass(frozen=True)
class Task:
    name: str
    tokens: tuple[str, ...]   # input vocabulary; a token id indexes this
    classes: tuple[str, ...]  # answer words; a target indexes this

    @property
    def vocab_size(self) -> int:
        return len(self.tokens)

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    def ids(self, words: list[str]) -> np.ndarray:
        index = {w: i for i, w in enumerate(self.tokens)}
        return np.array([index[w] for w in words], dtype=np.int64)

    def words(self, ids: np.ndarray) -> list[str]:
        return [self.tokens[i] for i in ids]

    def sample(self, rng: np.random.Generator, batch: int, seq_len: int):
        """A batch: tokens (B, T) int64 and targets (B,) int64."""
        raise NotImplementedError

    def probe(self, rng: np.random.Generator, seq_len: int):
        """The one sentence the lecture shows: tokens (T,) and its target."""
        raise NotImplementedError

    def _fill(self, rng, fillers, shape) -> np.ndarray:
        return self.ids(list(fillers))[rng.integers(0, len(fillers), size=shape)]


RECALL_CUES = ("clouds", "sun", "frost", "gale")
RECALL_ANSWERS = ("rain", "sunny", "snow", "windy")
RECALL_FILLERS = (
    "the", "are", "dark", "it", "looks", "like", "will", "today",
    "so", "and", "very", "we", "think", "outside", "soon", "again",
)


class RecallTask(Task):
    def sample(self, rng, batch, seq_len):
        tokens = self._fill(rng, RECALL_FILLERS, (batch, seq_len))            # (B, T)
        targets = rng.integers(0, len(RECALL_CUES), size=batch)               # (B,)
        tokens[:, 0] = self.ids(list(RECALL_CUES))[targets]
        return tokens, targets.astype(np.int64)

    def probe(self, rng, seq_len):
        head, tail = ["clouds", "are", "dark"], ["it", "looks", "like", "it", "will"]
        spare = seq_len - len(head) - len(tail)
        if spare < 0:  # too short for the whole sentence: keep the cue and the last words
            words = head[:1] + (head[1:] + tail)[len(head) + len(tail) - seq_len:]
        else:
            words = head + self.words(self._fill(rng, RECALL_FILLERS, spare)) + tail
        return self.ids(words), RECALL_CUES.index("clouds")


CUISINE_NAMES = ("Rana", "John", "Mia", "Kenji")
CUISINE_VERBS = ("likes", "loves")
CUISINE_DISHES = ("biriyani", "pasta", "sushi", "tacos")
CUISINE_ANSWERS = ("Bangladeshi", "Italian", "Japanese", "Mexican")
CUISINE_FILLERS = (
    "very", "much", "so", "we", "can", "understand", "that", "his",
    "favourite", "cuisine", "is", "friend", "however", "and", "the", "food",
)
MENTION = 3  # a mention is three words: name, verb, dish


class CuisineTask(Task):
    def _mention(self, name: int, verb: int, dish: int) -> np.ndarray:
        return self.ids([CUISINE_NAMES[name], CUISINE_VERBS[verb], CUISINE_DISHES[dish]])

    def sample(self, rng, batch, seq_len):
        if seq_len < 2 * MENTION + 2:
            raise ValueError(f"cuisine needs seq_len >= {2 * MENTION + 2}, got {seq_len}")
        tokens = self._fill(rng, CUISINE_FILLERS, (batch, seq_len))
        targets = np.empty(batch, dtype=np.int64)
        n = len(CUISINE_NAMES)
        for b in range(batch):
            name1, dish1 = rng.integers(0, n), rng.integers(0, len(CUISINE_DISHES))
            tokens[b, :MENTION] = self._mention(name1, rng.integers(0, 2), dish1)
            targets[b] = dish1
            if rng.random() < 0.5:
                # A different person, a different dish, somewhere after the first mention.
                name2 = (name1 + rng.integers(1, n)) % n
                dish2 = (dish1 + rng.integers(1, len(CUISINE_DISHES))) % len(CUISINE_DISHES)
                start = rng.integers(MENTION + 1, seq_len - MENTION + 1)
                tokens[b, start:start + MENTION] = self._mention(name2, rng.integers(0, 2), dish2)
                targets[b] = dish2
        return tokens, targets

    def probe(self, rng, seq_len):
        first = ["Rana", "likes", "biriyani", "very", "much", "so", "his", "favourite",
                 "cuisine", "is"]
        second = ["his", "friend", "John", "loves", "pasta", "so", "his", "favourite",
                  "cuisine", "is"]
        spare = seq_len - len(first) - len(second)
        if spare < 0:
            first, second = first[:MENTION], second[2:2 + MENTION]
            spare = seq_len - 2 * MENTION
        pad = self.words(self._fill(rng, CUISINE_FILLERS, spare))
        words = first + pad[: spare // 2] + second + pad[spare // 2:]
        return self.ids(words[:seq_len]), CUISINE_DISHES.index("pasta")


RECALL = RecallTask("recall", RECALL_CUES + RECALL_FILLERS, RECALL_ANSWERS)
CUISINE = CuisineTask(
    "cuisine", CUISINE_NAMES + CUISINE_VERBS + CUISINE_DISHES + CUISINE_FILLERS, CUISINE_ANSWERS
)
TASKS = {task.name: task for task in (RECALL, CUISINE)}


def get_task(name: str) -> Task:
    try:
        return TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}") from None
