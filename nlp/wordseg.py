"""underthesea's word segmenter, and the word boundaries it cannot place otherwise, found without it.

``underthesea.word_tokenize`` cuts a sentence into syllables with a regular expression, builds 43
features per syllable (the syllable and its neighbours up to two away: forms, lowercase, title
case, digits, dictionary membership) and labels each syllable ``B-W`` (starts a word) or ``I-W``
(continues one) with a linear-chain CRF. ``segment`` does exactly that with the same objects; it
only reads the model's two small pickles with the C unpickler instead of joblib's Python one
(a tenth of a second less at start-up). ``tests/test_postag.py`` compares the words with
underthesea's on every sentence we have.

The rules mostly ask about one syllable of a sentence: does a word start here? Segmenting the whole
sentence for that costs about a millisecond, most of it building the features of every syllable.
``Boundaries`` answers such a question from the syllables around it when the CRF's answer is
certain, and says so only then:

The CRF's best labelling maximises the sum, over syllables, of a state score (the weights of the
syllable's features for its label) plus, over neighbouring pairs, a transition weight. Take a
window of syllables ``[lo, hi]`` around the one asked about. Whatever the best labelling is outside
the window, inside it the labelling must be the best one given the labels just outside (else
swapping in the better one would beat the best). So if, for every possible label left and right of
the window, the best labelling of the window gives the syllable the same label by more than
``MARGIN``, that is its label in the best labelling of the sentence. The state scores inside the
window need the features of its syllables, and these depend only on the syllables two away: the
window plus two syllables on each side is featurised, not the sentence. The state score
difference of one syllable is read from the model itself (the marginals of a one-syllable
sequence are the softmax of its state scores); the four transition weights from the model file.

An answer is given only where underthesea's syllables are the sentence's own characters, in order,
separated by a little white space: there, ``nlp.document`` anchors every word exactly on its
syllables, whatever the labels, so a word starts at a syllable exactly when the syllable is labelled
``B-W`` (or is the first). Anywhere else the sentence is segmented as before.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import math
import pickle
import struct
from collections.abc import Sequence
from os.path import dirname, join
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["Boundaries", "MARGIN", "segment", "syllables", "words_of"]

# Two labellings closer than this are treated as a tie (the CRF sums floats; a certain answer must
# not hang on the last bits of a sum). Real margins are in whole units.
MARGIN = 1e-6
# Syllables on each side of the one asked about, tried in turn; past the last, the sentence is
# segmented. The syllable alone decides nineteen questions in twenty.
WINDOWS = (0, 1, 2)
# Features reach this many syllables away (``T[-2]`` … ``T[2]``): checked against the model's list.
REACH = 2
# The most white space ``nlp.document._anchor`` lets pass between two syllables of one word.
MAX_GAP = 3


class _Model:
    """The loaded segmentation model: underthesea's featuriser and CRF, and what the oracle needs."""

    def __init__(self) -> None:
        import underthesea.pipeline.word_tokenize as wt
        from underthesea_core import CRFFeaturizer, CRFTagger

        base = join(dirname(wt.__file__), "models", "ws_crf_vlsp2013_20230727")
        self.features = _load_pickle(join(base, "features.bin"))
        dictionary = _load_pickle(join(base, "dictionary.bin"))
        self.featurizer = CRFFeaturizer(self.features, dictionary)
        self.tagger = CRFTagger()
        model_path = join(base, "models.bin")
        self.tagger.load(model_path)
        self.labels = list(self.tagger.labels())
        # What the oracle needs; None disables it (every question segments the sentence).
        self.transitions: dict[tuple[int, int], float] | None = None
        try:
            transitions = _oracle_transitions(model_path, self.labels, self.features)
            _check_transitions(self.tagger, transitions)
            self.transitions = transitions
        except Exception:
            log.warning("word-boundary oracle disabled: the segmentation model is not as expected", exc_info=True)
        self.begin = self.labels.index("B-W") if "B-W" in self.labels else -1
        # For a window of one syllable that has a left neighbour: the least and the most its
        # neighbours' labels can add to its starting a word rather than continuing one, keyed by
        # whether it has a right neighbour too.
        self.pull: dict[bool, tuple[float, float]] = {}
        if self.transitions is not None:
            b, i = self.begin, 1 - self.begin
            t = self.transitions
            left = [t[(a, b)] - t[(a, i)] for a in (b, i)]
            right = [t[(b, c)] - t[(i, c)] for c in (b, i)]
            for has_right in (False, True):
                sums = [x + y for x in left for y in (right if has_right else [0.0])]
                self.pull[has_right] = (min(sums), max(sums))


def _load_pickle(path: str) -> Any:
    """A joblib file of plain Python objects is a pickle: read it with the C unpickler (joblib's
    Python one takes several times as long); anything else goes to joblib as underthesea does."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:
        import joblib

        return joblib.load(path)


def _oracle_transitions(
    model_path: str, labels: list[str], features: Sequence[str]
) -> dict[tuple[int, int], float]:
    """The transition weights of the CRF (crfsuite's model format, which underthesea_core reads),
    after checking that the oracle's assumptions hold: two labels ``B-W``/``I-W`` and features that
    reach no further than ``REACH`` syllables."""
    if sorted(labels) != ["B-W", "I-W"]:
        raise ValueError(f"unexpected labels {labels!r}")
    for template in features:
        inside = template[template.index("[") + 1 : template.index("]")]
        if any(abs(int(x)) > REACH for x in inside.split(",")):
            raise ValueError(f"feature {template!r} reaches past {REACH} syllables")
    import numpy as np

    with open(model_path, "rb") as fh:
        data = fh.read()
    magic, _size, kind, _version, _nf, n_labels, _na, off_features = struct.unpack_from("<4sI4sIIIII", data, 0)
    if magic != b"lCRF" or kind != b"FOMC" or n_labels != len(labels):
        raise ValueError("not a first-order crfsuite model")
    chunk, _chunk_size, count = struct.unpack_from("<4sII", data, off_features)
    if chunk != b"FEAT":
        raise ValueError("no feature chunk")
    table = np.frombuffer(data, dtype=np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")]),
                          count=count, offset=off_features + 12)
    if not np.isin(table["type"], (0, 1)).all():
        raise ValueError("unknown feature types")
    out = {(a, b): 0.0 for a in range(2) for b in range(2)}
    for row in table[table["type"] == 1]:
        out[(int(row["src"]), int(row["dst"]))] += float(row["w"])
    return out


def _check_transitions(tagger: Any, trans: dict[tuple[int, int], float]) -> None:
    """Raise unless the tagger scores featureless sequences as these transition weights say: its
    best labelling and score of two syllables, and the marginals of two and three syllables."""
    labels, score = tagger.tag_with_score([[], []])
    best = max(trans, key=lambda ab: trans[ab])
    if abs(score - trans[best]) > 1e-9 or [tagger.labels().index(x) for x in labels] != list(best):
        raise ValueError("the tagger's transitions are not the model file's")
    for n in (2, 3):
        weights = {
            path: math.exp(sum(trans[(path[t], path[t + 1])] for t in range(n - 1)))
            for path in itertools.product((0, 1), repeat=n)
        }
        z = sum(weights.values())
        got = tagger.marginals([[] for _ in range(n)])
        for t in range(n):
            for y in (0, 1):
                want = sum(w for path, w in weights.items() if path[t] == y) / z
                if abs(got[t][y] - want) > 1e-9:
                    raise ValueError("the tagger's transitions are not the model file's")


@functools.lru_cache(maxsize=1)
def _model() -> _Model:
    return _Model()


def syllables(sentence: str) -> list[str]:
    """underthesea's syllables of a sentence, as ``word_tokenize`` cuts and normalises them."""
    from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

    return tokenize(sentence, use_token_normalize=True, fixed_words=[])


def words_of(tokens: list[str]) -> list[str]:
    """``word_tokenize``'s words from its syllables (a word keeps its inner spaces: ``"hồ sơ"``)."""
    model = _model()
    tags = model.tagger.tag(model.featurizer.process([[[t] for t in tokens]])[0]) if tokens else []
    output: list[str] = []
    for k, (tag, token) in enumerate(zip(tags, tokens, strict=False)):
        if tag == "I-W" and k > 0:
            output[-1] = output[-1] + " " + token
        else:
            output.append(token)
    return output


def segment(sentence: str) -> list[str]:
    """``underthesea.word_tokenize(sentence)``: the same words."""
    return words_of(syllables(sentence))


class Boundaries:
    """Certain word starts in one sentence, from a few syllables around each question.

    ``at(offset)`` answers for the character offset of a syllable in the sentence: True (a word
    starts there), False (it does not), or None (not certain here: segment the sentence). Built
    from the sentence's syllables (``syllables``), which the full segmentation can reuse.
    """

    def __init__(self, sentence: str, tokens: list[str]) -> None:
        self.tokens = tokens
        self.model = _model()
        # Where each syllable starts and ends, when the syllables are the sentence's characters.
        spans = _clean_spans(sentence, tokens) if self.model.transitions is not None else None
        self.starts = [a for a, _b in spans] if spans is not None else None
        self.ends = [b for _a, b in spans] if spans is not None else []
        self.index: dict[int, int] = {s: k for k, s in enumerate(self.starts)} if self.starts else {}
        self._delta: dict[int, float] = {}  # syllable -> state score of B-W minus that of I-W

    def at(self, offset: int) -> bool | None:
        """Does a word start at ``offset`` (a character offset in the sentence)?"""
        if self.starts is None:
            return None
        k = self.index.get(offset)
        if k is None:
            # Inside a syllable: the word holding it started before. Between syllables: not known.
            return False if self._inside(offset) else None
        if k == 0:
            return True  # ``word_tokenize`` always starts a word with the first syllable
        for reach in WINDOWS:
            label = self._label(k, reach)
            if label is not None:
                return label
        return None

    def _inside(self, offset: int) -> bool:
        starts = self.starts or []
        k = bisect.bisect_right(starts, offset) - 1
        return k >= 0 and starts[k] < offset < self.ends[k]

    def _deltas(self, lo: int, hi: int) -> list[float]:
        """The state score differences (B-W minus I-W) of syllables ``lo..hi``, featurising only
        what is missing and the syllables its features read.

        The next syllable's is computed along (one more syllable featurised): the rules read a
        title or a name left to right, so the next question is most often about the next syllable.
        """
        missing = [t for t in range(lo, hi + 1) if t not in self._delta]
        if missing:
            a, b = missing[0], missing[-1]
            if b + 1 < len(self.tokens) and b + 1 not in self._delta:
                b += 1
            first = max(0, a - REACH)
            rows = self.model.featurizer.process([[[t] for t in self.tokens[first : b + REACH + 1]]])[0]
            begin = self.model.begin
            for t in range(a, b + 1):
                if t in self._delta:
                    continue
                p = self.model.tagger.marginals([rows[t - first]])[0]
                p_begin, p_inside = p[begin], p[1 - begin]
                self._delta[t] = _log(p_begin) - _log(p_inside)
        return [self._delta[t] for t in range(lo, hi + 1)]

    def _label(self, k: int, reach: int) -> bool | None:
        """Syllable ``k``'s label if the best labelling of the window ``k ± reach`` gives it, for
        every label around the window, by more than ``MARGIN``; else None."""
        n = len(self.tokens)
        if reach == 0:
            # In closed form: the syllable's own score against the most its neighbours can pull
            # (``k`` > 0 here, so it has a left neighbour).
            delta = self._deltas(k, k)[0]
            least, most = self.model.pull[k < n - 1]
            if delta + least > MARGIN:
                return True
            if delta + most < -MARGIN:
                return False
            return None
        lo, hi = max(0, k - reach), min(n - 1, k + reach)
        deltas = self._deltas(lo, hi)
        trans = self.model.transitions or {}
        b_label = self.model.begin
        lefts = [None] if lo == 0 else [0, 1]
        rights = [None] if hi == n - 1 else [0, 1]
        verdict: bool | None = None
        for left, right in itertools.product(lefts, rights):
            best = {True: -math.inf, False: -math.inf}
            for path in itertools.product((0, 1), repeat=hi - lo + 1):
                score = 0.0
                prev = left
                for t, y in enumerate(path):
                    if y == b_label:
                        score += deltas[t]
                    if prev is not None:
                        score += trans[(prev, y)]
                    prev = y
                if right is not None:
                    score += trans[(prev, right)]
                starts = path[k - lo] == b_label
                if score > best[starts]:
                    best[starts] = score
            gap = best[True] - best[False]
            if not abs(gap) > MARGIN:
                return None
            if verdict is None:
                verdict = gap > 0
            elif verdict != (gap > 0):
                return None
        return verdict


def _log(p: float) -> float:
    return math.log(p) if p > 0 else -math.inf


def _clean_spans(sentence: str, tokens: list[str]) -> list[tuple[int, int]] | None:
    """Where each syllable lies in ``sentence`` (start, end), if the syllables are its characters
    in order with at most ``MAX_GAP`` spaces between them and nothing else; else None.

    Then ``nlp.document._anchor`` places every word of any segmentation exactly on its syllables.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(sentence)
    for token in tokens:
        pieces = token.split()
        if not pieces:
            return None
        first = pos
        for j, piece in enumerate(pieces):
            i = pos
            while i < n and sentence[i].isspace():
                i += 1
            if (spans or j) and i - pos > MAX_GAP:
                return None
            if not sentence.startswith(piece, i):
                return None
            if j == 0:
                first = i
            pos = i + len(piece)
        spans.append((first, pos))
    if sentence[pos:].strip():
        return None
    return spans
