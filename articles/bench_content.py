"""Synthetic news for benchmarks and load tests (`seed_bench`).

Text is assembled from a pool of sentences built once per language from
news vocabulary with a Zipf-like word frequency, so a common word such as
SEARCH_WORD appears in many articles and a rare one in few, as in a real
archive. Lengths follow the seeds: a headline of 60-110 characters, a lead of
one or two sentences, and a body of 4-12 `<p>` paragraphs (seed 000 has five
paragraphs, about 1,700 characters; seed 001 thirteen, about 4,000).
"""

import random
from bisect import bisect_left
from datetime import timedelta
from itertools import accumulate

from django.utils.text import slugify

# Organizations and only they carry this prefix, so bench content can be
# counted, topped up or removed without touching an editor's articles.
BENCH_SLUG_PREFIX = "bench-"
# A word in about a quarter of English bench articles, for the search benchmark.
SEARCH_WORD = "border"

LANGUAGE_WEIGHTS = {"en": 60, "ru": 25, "be": 15}
SENTENCES_PER_LANGUAGE = 3000
ARCHIVE_YEARS = 10
# Out of every 100 articles, by position: 3 drafts, 2 scheduled, 2 featured.
DRAFT_SLOTS = {0, 1, 2}
SCHEDULED_SLOTS = {3, 4}
FEATURED_SLOTS = {50, 51}

# Ordered by rank: the first words are the most frequent.
WORDS = {
    "en": (
        "the of and in to a on for with by at from as was that were is "
        "cooperation security meeting district region delegation "
        "committee state members development agency international council "
        "heads services measures countries support residents officials joint "
        "president minister programme project schools roads health economy "
        "agreement stability forces threats terrorism exercise discussed noted "
        "participants chairman executive national regional local public water "
        "energy trade transport festival harvest museum palace church embankment "
        "library hospital farmers workers students teachers veterans youth "
        "sport culture heritage history tourism investment budget reform "
        "construction repair bridge railway station market prices wages "
        "exports imports industry factory production dairy grain forest lake "
        "river weather winter summer spring autumn election parliament court "
        "police rescue service fire volunteers charity competition championship "
        "team victory record award anniversary ceremony exhibition concert "
        "theatre conference forum summit visit talks partnership dialogue "
        "initiative strategy plan report results growth increase decline crisis "
        "recovery relief assistance medical vaccine clinic pharmacy pension "
        "family children parents housing apartments heating electricity gas "
        "internet digital technology science research university college "
        "graduates border award-winning traditional modern historic annual successful "
        "important significant further new major first second third"
    ).split(),
    "ru": (
        "и в на с по для о что от к из за не как был были это "
        "граница сотрудничество безопасность встреча район область делегация "
        "комитет государство участники развитие агентство международный совет "
        "руководители службы меры страны поддержка жители представители "
        "президент министр программа проект школы дороги здоровье экономика "
        "соглашение стабильность силы угрозы терроризм учения обсудили отметил "
        "председатель исполнительный национальный региональный местный вода "
        "энергетика торговля транспорт праздник урожай музей дворец церковь "
        "набережная библиотека больница фермеры работники студенты учителя "
        "ветераны молодежь спорт культура наследие история туризм инвестиции "
        "бюджет строительство ремонт мост вокзал рынок цены зарплата экспорт "
        "промышленность завод производство молоко зерно лес озеро река погода "
        "зима лето весна осень выборы суд милиция спасатели волонтеры конкурс "
        "чемпионат команда победа рекорд награда юбилей выставка концерт театр "
        "конференция форум саммит визит переговоры партнерство диалог "
        "инициатива стратегия план отчет результаты рост кризис помощь "
        "медицинский пенсия семья дети родители жилье отопление газ технологии "
        "наука университет колледж выпускники традиционный современный "
        "исторический ежегодный важный новый первый"
    ).split(),
    "be": (
        "і ў на з па для пра што ад да за не як быў былі гэта "
        "мяжа супрацоўніцтва бяспека сустрэча раён вобласць дэлегацыя камітэт "
        "дзяржава ўдзельнікі развіццё агенцтва міжнародны савет кіраўнікі "
        "службы меры краіны падтрымка жыхары прадстаўнікі прэзідэнт міністр "
        "праграма праект школы дарогі здароўе эканоміка пагадненне стабільнасць "
        "сілы пагрозы тэрарызм вучэнні абмеркавалі адзначыў старшыня "
        "выканаўчы нацыянальны рэгіянальны мясцовы вада энергетыка гандаль "
        "транспарт свята ўраджай музей палац царква набярэжная бібліятэка "
        "бальніца фермеры работнікі студэнты настаўнікі ветэраны моладзь спорт "
        "культура спадчына гісторыя турызм інвестыцыі бюджэт будаўніцтва "
        "рамонт мост вакзал рынак цэны заробак экспарт прамысловасць завод "
        "вытворчасць малако збожжа лес возера рака надвор'е зіма лета вясна "
        "восень выбары суд міліцыя ратавальнікі валанцёры конкурс чэмпіянат "
        "каманда перамога рэкорд узнагарода юбілей выстава канцэрт тэатр "
        "канферэнцыя форум саміт візіт перамовы партнёрства дыялог ініцыятыва "
        "стратэгія план справаздача вынікі рост крызіс дапамога медыцынскі "
        "пенсія сям'я дзеці бацькі жыллё ацяпленне газ тэхналогіі навука "
        "універсітэт каледж выпускнікі традыцыйны сучасны гістарычны штогадовы "
        "важны новы першы"
    ).split(),
}

# (English, Russian, Belarusian) names of the places stories come from.
PLACE_NAMES = (
    ("Postavy", "Поставы", "Паставы"),
    ("Minsk", "Минск", "Мінск"),
    ("Vitebsk", "Витебск", "Віцебск"),
    ("Polotsk", "Полоцк", "Полацк"),
    ("Hlybokaye", "Глубокое", "Глыбокае"),
    ("Braslau", "Браслав", "Браслаў"),
    ("Miory", "Миоры", "Мёры"),
    ("Lepiel", "Лепель", "Лепель"),
    ("Dokshytsy", "Докшицы", "Докшыцы"),
    ("Sharkawshchyna", "Шарковщина", "Шаркаўшчына"),
    ("Almaty", "Алматы", "Алматы"),
    ("Astana", "Астана", "Астана"),
    ("Tashkent", "Ташкент", "Ташкент"),
    ("Bishkek", "Бишкек", "Бішкек"),
    ("Dushanbe", "Душанбе", "Душанбэ"),
    ("Grodno", "Гродно", "Гродна"),
    ("Brest", "Брест", "Брэст"),
    ("Mogilev", "Могилев", "Магілёў"),
)
PLACES = {
    language: [names[column] for names in PLACE_NAMES]
    for column, language in enumerate(("en", "ru", "be"))
}

BYLINES = {
    "en": ["Anna Kovalenko", "Pavel Sidorov", "Maria Ivanova", "Igor Petrov"],
    "ru": ["Анна Коваленко", "Павел Сидоров", "Мария Иванова", "Игорь Петров"],
    "be": ["Ганна Каваленка", "Павел Сідараў", "Марыя Іванова", "Ігар Пятроў"],
}

# (kind, English pattern, own-language pattern) for the bench organizations.
ORGANIZATION_PATTERNS = (
    ("news_agency", "{en} News Agency", "Информационное агентство «{ru}»"),
    (
        "government_body",
        "{en} District Executive Committee",
        "Районный исполнительный комитет, {ru}",
    ),
    (
        "international_organization",
        "{en} Office of the Regional Security Council",
        "Представительство Регионального совета безопасности, {ru}",
    ),
    ("local_office", "{en} Local Office", "Мясцовае прадстаўніцтва, {be}"),
)
COUNTRIES = ("Belarus", "Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan")

_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo",
        "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m",
        "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
        "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
        "ў": "w", "'": "",
    }
)  # fmt: skip


def transliterated_slug(text, max_length=80):
    """An ASCII slug for any of the three languages, cut at a word boundary."""
    slug = slugify(text.lower().translate(_CYRILLIC_TO_LATIN))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def organization_rows(count, rng):
    """Field dicts for `count` organizations, cycling through the four kinds."""
    rows = []
    for index in range(count):
        kind, name_pattern, native_pattern = ORGANIZATION_PATTERNS[index % 4]
        en, ru, be = PLACE_NAMES[(index // 4) % len(PLACE_NAMES)]
        name = name_pattern.format(en=en)
        repeat = index // (4 * len(PLACE_NAMES))
        if repeat:
            name = f"{name} {repeat + 1}"
        slug = BENCH_SLUG_PREFIX + transliterated_slug(name)
        rows.append(
            {
                "name": name,
                "short_name": "".join(word[0] for word in name.split())[:12],
                "slug": slug,
                "native_name": native_pattern.format(ru=ru, be=be),
                "kind": kind,
                "country": rng.choice(COUNTRIES),
                "website": f"https://{slug.removeprefix(BENCH_SLUG_PREFIX)}.example.org",
            }
        )
    return rows


class ArticleWriter:
    """Writes article field dicts; the same seed gives the same text.

    Organizations publish unevenly (Zipf-like again), so filtering by the
    biggest source returns thousands of articles and by the smallest a few."""

    def __init__(self, seed, now, organizations):
        self.rng = random.Random(seed)
        self.now = now
        self.archive_seconds = int(timedelta(days=365 * ARCHIVE_YEARS).total_seconds())
        self.languages = list(LANGUAGE_WEIGHTS)
        self.language_cum = list(accumulate(LANGUAGE_WEIGHTS.values()))
        self.organizations = list(organizations)
        self.organization_cum = _zipf_cum(len(self.organizations), 0.8)
        self.sentences = {}
        self.word_cum = {}
        for language, words in WORDS.items():
            self.word_cum[language] = _zipf_cum(len(words), 1.0)
            self.sentences[language] = [
                self._sentence(language) for _ in range(SENTENCES_PER_LANGUAGE)
            ]

    def _words(self, language, k):
        return self.rng.choices(
            WORDS[language], cum_weights=self.word_cum[language], k=k
        )

    def _sentence(self, language):
        words = self._words(language, self.rng.randint(9, 22))
        # A place name in about one sentence in three, as in real reports.
        if self.rng.random() < 0.35:
            words.insert(
                self.rng.randrange(len(words)), self.rng.choice(PLACES[language])
            )
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def _title(self, language):
        # Headlines skip the function words at the top of each list.
        content = WORDS[language][17:]
        words = self.rng.sample(content, self.rng.randint(7, 12))
        words.insert(self.rng.randrange(len(words)), self.rng.choice(PLACES[language]))
        title = " ".join(words)
        return (title[0].upper() + title[1:])[:200]

    def _paragraphs(self, language, count, low, high):
        pool = self.sentences[language]
        return [
            " ".join(self.rng.choices(pool, k=self.rng.randint(low, high)))
            for _ in range(count)
        ]

    def article(self, index):
        """Field values for the index-th bench article (no model instance)."""
        rng = self.rng
        slot = index % 100
        language = self.languages[
            bisect_left(self.language_cum, rng.random() * self.language_cum[-1])
        ]
        organization = rng.choices(
            self.organizations, cum_weights=self.organization_cum
        )[0]
        title = self._title(language)
        slug = f"{transliterated_slug(title, 80)}-{index}"
        if slot in SCHEDULED_SLOTS:
            published_at = self.now + timedelta(seconds=rng.randint(3600, 60 * 86400))
        else:
            published_at = self.now - timedelta(
                seconds=rng.randint(60, self.archive_seconds)
            )
        paragraphs = self._paragraphs(language, rng.randint(4, 12), 2, 4)
        return {
            "title": title,
            "slug": slug,
            "lead": self._paragraphs(language, 1, 2, 3)[0],
            "body": "".join(f"<p>{text}</p>\n" for text in paragraphs),
            "status": "draft" if slot in DRAFT_SLOTS else "published",
            "published_at": published_at,
            "byline": rng.choice(BYLINES[language]) if rng.random() < 0.5 else "",
            "organization": organization,
            "source_url": (
                f"{organization.website}/news/{slug}" if rng.random() < 0.6 else ""
            ),
            "language": language,
            "dateline": rng.choice(PLACES[language]) if rng.random() < 0.7 else "",
            "view_count": min(int(rng.paretovariate(1.2) * 40), 1_000_000),
            "is_featured": slot in FEATURED_SLOTS,
        }


def _zipf_cum(count, exponent):
    """Cumulative weights where rank r weighs 1 / (r + 1) ** exponent."""
    return list(accumulate(1 / (rank + 1) ** exponent for rank in range(count)))
