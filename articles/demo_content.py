"""The demo content: the two seed pages of the Postavy District site and the SCO
RATS press office, copied here word for word as Python data so that
`manage.py load_demo` needs nothing outside the project.

Paragraph texts are kept exactly as published, odd apostrophes and typos
("conficence") included; only the seeds' blank spacer lines are left out.

Translated fields are given per interface language ({"en": …, "ru": …,
"be": …}), as PRODUCT.md's table of the demo's translations has them.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from articles.models import Language, Organization
from contacts.models import ContactNumber

MINSK = ZoneInfo("Europe/Minsk")

ORGANIZATIONS = [
    {
        "slug": "belta",
        "name": {
            "en": "Belarusian Telegraph Agency",
            "ru": "Белорусское телеграфное агентство",
            "be": "Беларускае тэлеграфнае агенцтва",
        },
        "short_name": {"en": "BelTA", "ru": "БелТА", "be": "БелТА"},
        "native_name": "Белорусское телеграфное агентство",
        "kind": Organization.Kind.NEWS_AGENCY,
        "country": {"en": "Belarus", "ru": "Беларусь", "be": "Беларусь"},
    },
    {
        "slug": "sco-rats",
        "name": {
            "en": "Executive Committee of the SCO Regional Anti-Terrorist Structure",
            "ru": (
                "Исполнительный комитет Региональной антитеррористической структуры ШОС"
            ),
            "be": ("Выканаўчы камітэт Рэгіянальнай антытэрарыстычнай структуры ШАС"),
        },
        "short_name": {"en": "SCO RATS", "ru": "ИК РАТС ШОС", "be": "ВК РАТС ШАС"},
        "native_name": "Исполнительный комитет РАТС ШОС",
        "kind": Organization.Kind.INTERNATIONAL,
        "country": {},
    },
]

# Seed 000: the Postavy District site, a story told to BelTA.
BORDER_SECURITY_PARAGRAPHS = (
    (
        "The ninth meeting of the heads of border services of the Shanghai Cooperation "
        "Organization member states took place in Almaty, Kazakhstan, representatives "
        "of the State Border Committee of Belarus told BelTA."
    ),
    (
        "Representatives of the Executive Committee of the SCO Regional Anti-Terrorist "
        "Structure and the Council of Commanders of Border Troops of the CIS member "
        "states also took part in the meeting. The delegation of the State Border "
        "Committee of Belarus took part in the meeting as an observer."
    ),
    (
        "Chairman of the State Border Committee of Belarus Konstantin Molostov remarked"
        " that Belarus views the Shanghai Cooperation Organization as an important "
        "international platform for advancing cooperation in counteracting various "
        "threats. In particular, the conversation touched upon the counteraction of "
        "terrorism, extremism, organized crime, and illegal drugs trade. He stressed "
        "that Belarus is in favor of bolstering practical cooperation of the Shanghai "
        "Cooperation Organization member states for the sake of ensuring stability in "
        "the Eurasian region."
    ),
    (
        "The Belarusian border service chief noted: “I am convinced that a lot of "
        "worthy ideas and proposals will be presented here today on further advancement"
        " of mutually beneficial cooperation in the sphere of ensuring the border "
        "security of our states. Only through joint efforts will we be able to "
        "counteract various ‘forces of evil' and foster the development of the "
        "multifaceted potential of the Shanghai Cooperation Organization.”"
    ),
    (
        "Participants of the meeting exchanged information about the situation at the "
        "borders of the SCO member states, about results of the joint border operation "
        "Friendship Border 2022. Participants of the meeting also reviewed and approved"
        " a plan on preparing and carrying out the joint border operation Solidarity "
        "2023 this year."
    ),
)

# Seed 001: the SCO RATS press office's report of the same meeting.
RATS_DELEGATION_PARAGRAPHS = (
    (
        "Delegation of the Executive Committee of the Regional Anti-Terrorist Structure"
        " of the Shanghai Cooperation Organization took part in the 9th meeting of the "
        "heads of border services of the competent authorities of the SCO member states"
        " held on July 5, 2023, in Almaty."
    ),
    (
        "Participants discussed the situation on the state borders of the SCO countries"
        " and considered measures to further strengthen their cooperation."
    ),
    (
        "In his address, the Director of the Executive Committee of the SCO RATS Ruslan"
        " Mirzaev congratulated the Iranian colleagues on the decision taken the day "
        "before by the SCO heads of states on the membership of the Islamic Republic of"
        " Iran in the Shanghai family. He expressed confidence that Iranian "
        "representatives would actively participate in all formats of the Organization,"
        " make a significant contribution to the implementation of earlier decisions on"
        " countering terrorism, separatism and extremism, as well as enhancing border "
        "cooperation."
    ),
    (
        "During his speech, Ruslan Mirzaev noted that the meeting of the heads of "
        "border services is taking place in the context of an extremely complex and "
        "explosive international situation, due to a number of threats and challenges "
        "to which the international security system is exposed, including at the SCO "
        "borders."
    ),
    (
        "The relations of trust and mutual understanding between the competent "
        "authorities of the SCO countries and the SCO RATS built by joint efforts are "
        "very important. Relations between the border agencies of the Parties should be"
        " based on the unshakable principles of the SCO Charter such as: mutual respect"
        " for the sovereignty, independence, territorial integrity of the states and "
        "the inviolability of state borders; non-aggression, non-interference in "
        "internal affairs; non-use of force or threat of force in international "
        "relations; renunciation of unilateral military superiority in adjacent border "
        "regions."
    ),
    (
        "In the SCO space, there are risks of penetration and settling of “sleeping "
        "terrorist cells,” ready to carry out terrorist attacks at the instruction of "
        "their emissaries. The use by terrorists of border tension between the SCO "
        "member states to destabilize the situation is a predictable forecast and the "
        "main risk to stability in the Central Asian region."
    ),
    (
        "It is necessary to create a coordinated system for ensuring border security at"
        " the external borders of the SCO member states by the border agencies. The "
        "measures taken more than 20 years ago by the five founding states of the SCO "
        "allowed strengthening confidence on joint borders, and mutually withdraw "
        "offensive groups and heavy weapons from them to distances that exclude the "
        "possibility of their use against the other side."
    ),
    (
        "RATS is seriously concerned about recurring border incidents between "
        "individual SCO countries. We believe that the main precondition for easing "
        "tension in border relations is the completion of the process of delimitation "
        "and subsequent demarcation of the state borders. Considering long-standing "
        "cultural and historical relations, border issues between neighbors must be "
        "resolved exclusively in a peaceful manner."
    ),
    (
        "Due to its location, Central Asia is an important geopolitical region whose "
        "security and stability are influenced by various factors. Unresolved issues "
        "include the following: territorial claims and demarcation of borders, water "
        "and energy issues, drug trafficking, smuggling and the threat of invasion from"
        " terrorist groups, are exacerbated by the growing influence of various world "
        "centers of power. The region is in the sphere of interests of many "
        "geopolitical players, each of which is trying to solve their interests on our "
        "territory."
    ),
    (
        "The escalation of the military and political situation and the unstable "
        "situation in Afghanistan bear the risk of its abuse by the forces of "
        "international terrorism and can serve as a detonator for aggravating threats "
        "to regional security. In the provinces bordering with Tajikistan, there is a "
        "concentration of militants of the Islamic State, such as Vilayat Khorasan and "
        "a number of other FTOs, which poses a threat to border security."
    ),
    (
        "In conclusion, Ruslan Mirzaev expressed conficence that the border security "
        "system created by joint efforts would become a reliable guarantee of the "
        "peaceful development of the Shanghai family region, serving as an example of a"
        " fair and effective response to emerging threats."
    ),
)

ARTICLES = [
    {
        "slug": "belarus-discusses-border-security-cooperation-with-sco-countries",
        "title": "Belarus discusses border security cooperation with SCO countries",
        "paragraphs": BORDER_SECURITY_PARAGRAPHS,
        "lead": BORDER_SECURITY_PARAGRAPHS[0],
        # The seed gives only the date; midday is a plausible publication time.
        "published_at": datetime(2023, 7, 6, 12, 0, tzinfo=MINSK),
        "language": Language.ENGLISH,
        "dateline": "Almaty",
        # "Written by" with no name: the page credits the organization instead.
        "byline": "",
        "organization": "belta",
        "view_count": 0,
        "hero": {"caption": "Almaty", "colours": ((60, 84, 120), (214, 190, 150))},
    },
    {
        "slug": (
            "delegation-of-the-executive-committee-of-the-sco-rats-takes-part-"
            "in-the-meeting-of-heads-of-the-border-services"
        ),
        "title": (
            "Delegation of the Executive Committee of the SCO RATS takes part in the "
            "meeting of heads of the border services"
        ),
        "paragraphs": RATS_DELEGATION_PARAGRAPHS,
        "lead": RATS_DELEGATION_PARAGRAPHS[0],
        "published_at": datetime(2023, 7, 7, 10, 0, tzinfo=MINSK),
        "language": Language.ENGLISH,
        "dateline": "Almaty",
        "byline": "",
        "organization": "sco-rats",
        "view_count": 169,
        "hero": {
            "caption": "Heads of border services",
            "colours": ((34, 70, 60), (190, 214, 196)),
        },
    },
]

# The site's name (masthead), as PRODUCT.md's table gives it.
SITE_NAME = {
    "en": "Postavy District Newsroom",
    "ru": "Новости Поставского района",
    "be": "Навіны Пастаўскага раёна",
}

# Seed 000's page header; numbers are kept exactly as the staff typed them.
OFFICE = {
    "slug": "postavy",
    "name": {
        "en": "Postavy District Executive Committee",
        "ru": "Поставский районный исполнительный комитет",
        "be": "Пастаўскі раённы выканаўчы камітэт",
    },
    "street_address": {
        "en": "25 Lenina Street",
        "ru": "ул. Ленина, 25",
        "be": "вул. Леніна, 25",
    },
    "locality": {"en": "Postavy", "ru": "Поставы", "be": "Паставы"},
    "postal_code": "211840",
    "country": {"en": "Belarus", "ru": "Беларусь", "be": "Беларусь"},
    "numbers": [
        (ContactNumber.Kind.PHONE, "8 (02155) 3-10-14"),
        (ContactNumber.Kind.PHONE, "8 (02155) 2-66-07"),
        (ContactNumber.Kind.FAX, "(8-02155)-2-18-45"),
    ],
}

# The seeds' stories have no pictures: each gets a stand-in hero image, drawn
# like the slider's, so lists show thumbnails and the article page its hero.

# Seed 000's slider captions, in order. The real photos are not ours to copy,
# so the loader draws an honest stand-in for each, in these calm colours, and
# says so in its alt text and credit.
PHOTO_ALT_TEXT = {
    "en": (
        "Stand-in image for the photo “{caption}”: a plain colour gradient with "
        "the caption written on it."
    ),
    "ru": (
        "Изображение-заменитель фотографии «{caption}»: цветной градиент с "
        "подписью на нём."
    ),
    "be": ("Выява-замена фатаграфіі «{caption}»: каляровы градыент з подпісам на ім."),
}
PHOTO_CREDIT = {
    "en": "Stand-in image generated by Newsroom's demo loader",
    "ru": "Изображение-заменитель, созданное демо-загрузчиком Newsroom",
    "be": "Выява-замена, створаная дэма-загрузчыкам Newsroom",
}
PHOTOS = [
    {
        "caption": {"en": "Embankment", "ru": "Набережная", "be": "Набярэжная"},
        "colours": ((46, 94, 130), (168, 203, 222)),
    },
    {
        "caption": {
            "en": "Tysenhaus Palace",
            "ru": "Дворец Тизенгауза",
            "be": "Палац Тызенгаўза",
        },
        "colours": ((120, 96, 70), (226, 210, 180)),
    },
    {
        "caption": {
            "en": "Postavy at Night",
            "ru": "Поставы ночью",
            "be": "Паставы ўначы",
        },
        "colours": ((16, 22, 48), (70, 84, 140)),
    },
    {
        "caption": {
            "en": "Night Embankment",
            "ru": "Ночная набережная",
            "be": "Начная набярэжная",
        },
        "colours": ((10, 30, 44), (48, 110, 128)),
    },
    {
        "caption": {"en": "Church", "ru": "Церковь", "be": "Царква"},
        "colours": ((80, 110, 86), (210, 226, 204)),
    },
]


def photo_texts(caption):
    """A stand-in photo's caption, alt text and credit in each language."""
    return {
        "caption": caption,
        "alt_text": {
            language: text.format(caption=caption[language])
            for language, text in PHOTO_ALT_TEXT.items()
        },
        "credit": PHOTO_CREDIT,
    }
