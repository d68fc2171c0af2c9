"""How alike two news stories are, to suggest that they report the same event.

The measure is the cosine similarity of TF-IDF-weighted character trigrams of
the words of each story's title and lead:

1. Normalise, the same way for every language: Unicode NFKC, casefold, "ё" read
   as "е"; anything that is not a letter or a digit separates words, so
   punctuation, quotes and dashes ("SCO-RATS", «ШОС») do not matter.
2. Drop stop words (a short list for English, Russian and Belarusian) and
   one-character words: they say nothing about which event a story reports.
3. Cut each remaining word, padded with a space at each end, into overlapping
   three-character pieces: "border" gives " bo", "bor", "ord", "rde", "der",
   "er ". Inflected forms share most of their pieces ("service"/"services",
   "пограничных"/"пограничной") without a stemmer for each language, which
   matters for Russian and Belarusian, where one word has a dozen endings.
4. Weigh each piece by how often the story uses it (sublinearly: 1 + ln n, so
   a word repeated in title and lead counts more, but not twice as much) times
   how rare it is among the stories being compared (smoothed inverse document
   frequency, ln((1 + N) / (1 + df)) + 1): pieces every story of the week has
   weigh least, a rare name ("Almaty", "SCO") most.
5. The score is the cosine of the angle between two stories' weight vectors:
   0 when they share no piece, 1 for the same text. Two reports of one event
   name the same people, places and bodies, so they score far higher than
   stories that only share the everyday words of news.

The threshold, SAME_EVENT_THRESHOLD, was chosen from the tests
(tests/articles/test_same_event.py): the seeds' two reports of the ninth
meeting of the SCO heads of border services score about 0.5 against each
other, in English and in Russian alike; unrelated stories of the same days (a
harvest, a football match, road repairs, a film festival in the same city)
score under 0.25, and even another border story from Belarus under 0.3.

This module is plain Python and reads no database: articles.events chooses
the candidates and calls it.
"""

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

# Scores at or above this suggest the same event; see the module docstring.
SAME_EVENT_THRESHOLD = 0.35

# Words of grammar, not of news: articles, prepositions, conjunctions,
# pronouns and auxiliaries of the site's three languages.
STOP_WORDS = frozenset(
    """
    a an the and or but nor of in on at to for from by with without into onto
    over under about after before during since until as than then so that this
    these those there here it its is are was were be been being has have had do
    does did will would shall should can could may might must not no yes he she
    they we you i his her their our your them us him who whom whose which what
    when where why how also other all any some such each both more most very
    per via up out off again further once only own same too just
    и в во на с со к ко по о об от до из за для у не ни но а же ли бы что как
    так это этот эта эти тот та те то его ее её их он она оно они мы вы я ты
    при про под над без через между также был была было были быть будет есть
    или да нет уже еще ещё все всё который которая которое которые которых
    і ў у з са на па ад да для не ні але а ж што як гэта гэты гэтая гэтыя той
    тая тыя яго яе іх ён яна яно яны мы вы я ты пры пра пад над без праз паміж
    таксама быў была было былі быць будзе ёсць або так ужо яшчэ усе ўсе які
    якая якое якія
    """.split()
)

NGRAM = 3
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of `text` that carry meaning, normalised."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    # \w is Unicode-aware; "_" is the one non-letter it admits.
    return [
        word
        for word in _WORD.findall(text.replace("_", " "))
        if len(word) > 1 and word not in STOP_WORDS
    ]


def features(text: str) -> Counter:
    """How many times each character trigram occurs in the words of `text`."""
    counts = Counter()
    for word in words(text):
        padded = f" {word} "
        counts.update(padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1))
    return counts


def idf_weights(documents: Iterable[Counter]) -> dict[str, float]:
    """Smoothed inverse document frequency of every feature of `documents`."""
    documents = list(documents)
    total = len(documents)
    frequency = Counter()
    for counts in documents:
        frequency.update(counts.keys())
    return {
        feature: math.log((1 + total) / (1 + df)) + 1
        for feature, df in frequency.items()
    }


def tfidf(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    """Unit-length TF-IDF vector of one document's feature counts."""
    vector = {
        feature: (1 + math.log(n)) * idf.get(feature, 1.0)
        for feature, n in counts.items()
    }
    norm = math.sqrt(sum(weight * weight for weight in vector.values()))
    if not norm:
        return {}
    return {feature: weight / norm for feature, weight in vector.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum((weight * b.get(feature, 0.0) for feature, weight in a.items()), 0.0)


def similarities(subject: str, others: Sequence[str]) -> list[float]:
    """Score each of `others` against `subject`, from 0 to 1.

    Rarity (IDF) is measured over `subject` and `others` together: the
    stories of the same few days are the background against which two of them
    stand out as telling one event."""
    subject_counts = features(subject)
    other_counts = [features(text) for text in others]
    idf = idf_weights([subject_counts, *other_counts])
    subject_vector = tfidf(subject_counts, idf)
    return [
        round(cosine(subject_vector, tfidf(counts, idf)), 4) for counts in other_counts
    ]


def similarity(a: str, b: str) -> float:
    """The score of two texts compared only with each other."""
    return similarities(a, [b])[0]
