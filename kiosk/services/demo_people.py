"""A deterministic, fictional anti-trafficking conference for `kiosk demo` and benchmarks."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate, islice
from typing import NamedTuple, TypeVar

from kiosk.core.text import fold
from kiosk.importing.records import SourceRecord


@dataclass(frozen=True)
class DemoWorkshop:
    """A workshop of the demo event; workshops that start together are alternatives."""

    name: str
    room: str
    starts: str
    ends: str
    capacity: int


# Capacities for the 300-person event the demo is modelled on.
WORKSHOPS: tuple[DemoWorkshop, ...] = (
    DemoWorkshop("Train the Trainer Taster", "Wilberforce Room", "11:00", "12:30", 40),
    DemoWorkshop("Engaging With Businesses", "Equiano Room", "11:00", "12:30", 30),
    DemoWorkshop("What Does Community Action Look Like?", "Main Hall", "14:00", "15:30", 80),
    DemoWorkshop("Managing Offenders Involved in Trafficking", "Garden Room", "14:00", "15:30", 50),
)
_BASE_ATTENDEES = 300


def workshops_for(attendees: int) -> tuple[DemoWorkshop, ...]:
    """The demo workshops with capacities scaled up in proportion for a bigger event."""
    factor = max(1.0, attendees / _BASE_ATTENDEES)
    return tuple(replace(w, capacity=round(w.capacity * factor)) for w in WORKSHOPS)


# All invented; none is meant to be a real charity.
PARTNER_ORGANISATIONS: tuple[str, ...] = (
    "Lanternway Trust",
    "Kestrel Freedom Foundation",
    "Brightwater Anti-Slavery Partnership",
    "Meridian Rights Collective",
    "Ashgrove Survivor Support",
    "Fairhaven Migrant Welfare",
    "Cinder Path Project",
    "Seven Bridges Outreach",
    "Wayfarer Justice Initiative",
    "Lodestar Labour Rights Centre",
    "Compass Rose Refuge",
    "Tamsin House Women's Sanctuary",
    "Bridgewell Safe Houses",
    "Saltmarsh Community Watch",
    "Borderless Dignity International",
    "Mekong Dawn Network",
    "Balkan Way Home Initiative",
    "Red Sea Safe Routes Coalition",
)
HOST_ORGANISATION = "Kingsmere Freedom Network"
_COUNCILS = (
    "Kingsmere City Council",
    "Eastholm County Council",
    "Wexley Borough Council",
    "Northbrook District Council",
)
_POLICE = ("Kingsmere Police", "Eastholm Constabulary", "Regional Modern Slavery Unit")
_UNIVERSITIES = (
    "University of Kingsmere",
    "Eastholm Metropolitan University",
    "Northbrook Institute of Technology",
)
_BUSINESSES = (
    "Halden & Pike Logistics",
    "Greyfield Hotels",
    "Marlow Street Fashion Ltd",
    "Crestline Cleaning Services",
    "Tollgate Farms",
    "Oakridge Construction Group",
)
_OTHER_BODIES = ("Kingsmere Hospitals NHS Trust", "St Aidan's Church, Eastholm")
_PRESS = ("Kingsmere Evening Post", "Eastholm Community Radio", "")
# Repeated entries weight the pools; "" is someone who left the field blank.
_ORGANISATIONS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "delegate": PARTNER_ORGANISATIONS + _COUNCILS * 2 + _POLICE * 2 + _UNIVERSITIES * 2
    + _BUSINESSES + _OTHER_BODIES * 2 + ("",) * 12,
    "speaker": PARTNER_ORGANISATIONS + _POLICE + _UNIVERSITIES + _COUNCILS,
    "volunteer": (HOST_ORGANISATION,) * 3 + ("",),
    "press": _PRESS,
    "partner NGO": PARTNER_ORGANISATIONS,
    "staff": (HOST_ORGANISATION,),
}
_CATEGORY_WEIGHTS = {
    "delegate": 78, "speaker": 4, "volunteer": 7, "press": 2, "partner NGO": 6, "staff": 3,
}
_PERSONAL_DOMAINS = ("example.com", "example.org", "example.net")
_ACCESS_NEEDS = (
    "Wheelchair user", "Hearing loop", "Needs seat near exit", "Step-free access",
    "Large-print materials", "BSL interpreter", "Assistance dog", "Quiet room access",
)
_DESK_NOTES = (
    "Paid on the day - check receipt", "Arriving late (after 13:00)",
    "Interpreter booked - meet at desk", "Bringing a colleague as a walk-in",
)
_SPEAKER_NOTE = "Collect lanyard for speaker"
_DIETS = ("Vegetarian",) * 4 + ("Vegan",) * 2 + ("Halal",) * 2 + (
    "Gluten-free", "Kosher", "No nuts", "Dairy-free",
)
_NOT_EMAIL = re.compile(r"[^a-z0-9-]")
_T = TypeVar("_T")
_Registration = tuple[dict[str, str], dict[str, str]]  # fields, columns kept by organisers


class _Name(NamedTuple):
    native: str  # as the person writes it
    roman: str  # in Latin letters, as they would write it on an English form
    email: str  # ASCII, for the address


def _names(text: str) -> tuple[_Name, ...]:
    """Comma-separated names; "王=Wang" gives a native spelling and its romanisation."""
    pool = []
    for item in text.split(","):
        native, _, roman = item.strip().partition("=")
        roman = roman or native
        pool.append(_Name(native, roman, _NOT_EMAIL.sub("", fold(roman))))
    return tuple(pool)


@dataclass(frozen=True)
class _Culture:
    """The names of one culture, so given and family names stay together."""

    weight: int
    latin: bool
    female: tuple[_Name, ...]
    male: tuple[_Name, ...]
    family_f: tuple[_Name, ...]
    family_m: tuple[_Name, ...]
    preferred: dict[str, str]  # given name -> the name they want on the badge


def _culture(
    weight: int, latin: bool, female: str, male: str, family: str,
    family_m: str = "", preferred: dict[str, str] | None = None,
) -> _Culture:
    family_f = _names(family)
    return _Culture(
        weight, latin, _names(female), _names(male), family_f,
        _names(family_m) if family_m else family_f, preferred or {},
    )


# Weights are percentages: 60 Latin-script, 40 other scripts.
_CULTURES: tuple[_Culture, ...] = (
    _culture(
        19, True,
        "Olivia, Amelia, Emily, Sophie, Charlotte, Hannah, Grace, Jessica, Lucy, Rebecca, "
        "Sarah, Elizabeth, Helen, Margaret, Rachel, Chloe",
        "Oliver, James, William, Thomas, George, Jack, Daniel, Matthew, Alexander, David, "
        "Richard, Edward, Samuel, Christopher, Harry",
        "Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Thomas, Roberts, "
        "Johnson, Walker, Wright, Robinson, Thompson, Hughes, Edwards, Green, Hall, Wood, "
        "Smith-Jones, Ashworth-Clarke, MacDonald, McAllister, Llewellyn, Featherstonehaugh",
        preferred={
            "Elizabeth": "Liz", "Alexander": "Alex", "Christopher": "Chris",
            "Rebecca": "Becky", "Margaret": "Maggie", "Matthew": "Matt", "Samuel": "Sam",
            "Jessica": "Jess", "William": "Will",
        },
    ),
    _culture(
        4, True,
        "Aoife, Siobhán, Niamh, Saoirse, Caoimhe, Róisín, Orla, Gráinne, Sinéad",
        "Seán, Ciarán, Pádraig, Oisín, Darragh, Cathal, Eoin, Tadhg, Diarmuid",
        "O'Connor, O’Neill, O'Sullivan, Murphy, Kelly, Walsh, McCarthy, Byrne, Ryan, "
        "Doherty, Ó Súilleabháin, Mac Giolla Phádraig",
        preferred={"Pádraig": "Paddy"},
    ),
    _culture(
        6, True,
        "Ngozi, Chiamaka, Adaeze, Funmilayo, Oluwaseun, Folake, Ifeoma, Chinwe, Yetunde, "
        "Blessing, Ọláyínká",
        "Chinedu, Emeka, Oluwaseun, Babatunde, Obinna, Ikechukwu, Adebayo, Musa, Uchenna, "
        "Adéwálé",
        "Okafor, Adeyemi, Okonkwo, Balogun, Eze, Nwosu, Adebayo, Obi, Olawale, Ogunleye, "
        "Chukwuemeka, Abubakar, Adeyemi-Okonkwo",
        preferred={
            "Oluwaseun": "Seun", "Babatunde": "Tunde", "Chiamaka": "Amaka",
            "Ikechukwu": "Ike", "Funmilayo": "Funmi",
        },
    ),
    _culture(
        5, True,
        "Priya, Ananya, Lakshmi, Deepika, Kavya, Shreya, Aishwarya, Meera, Harpreet, Sunita",
        "Arjun, Rahul, Vikram, Sanjay, Rohan, Aditya, Gurpreet, Harjit, Suresh, Venkatesh, "
        "Lakshminarasimhan",
        "Sharma, Patel, Singh, Gupta, Iyer, Reddy, Nair, Chatterjee, Mukherjee, Desai, "
        "Menon, Ramachandran, Venkataraghavan, Subramaniam",
        preferred={"Venkatesh": "Venky", "Aishwarya": "Ash"},
    ),
    _culture(
        3, True,
        "Ana Clara, Maria Eduarda, Beatriz, Juliana, Fernanda, Gabriela, Larissa, Letícia, "
        "Camila, Conceição",
        "João Pedro, Lucas, Gabriel, Rafael, Thiago, Gustavo, Felipe, Luiz Fernando, Caio",
        "da Silva, dos Santos, Oliveira, Souza, Rodrigues, Ferreira, Almeida, Pereira, "
        "Nascimento, Gonçalves, Araújo, Carvalho dos Santos Nascimento",
        preferred={"Maria Eduarda": "Duda", "Luiz Fernando": "Nando"},
    ),
    _culture(
        3, True,
        "María José, Lucía, Carmen, Paula, Marta, Pilar, Inmaculada, Rocío, "
        "María de los Ángeles",
        "José Luis, Javier, Alejandro, Pablo, Álvaro, Jorge, Francisco Javier, Íñigo, Sergio",
        "García López, Martínez, Rodríguez Fernández, Sánchez, Pérez, Gómez, Muñoz, "
        "Jiménez, Ruiz, de la Cruz, Iglesias, Fernández de Córdoba y Gutiérrez-Solana",
        preferred={
            "Francisco Javier": "Javi", "Inmaculada": "Inma",
            "María de los Ángeles": "Marián",
        },
    ),
    _culture(
        3, True,
        "Maria Cristina, Jasmine, Angelica, Rowena, Marites, Joy, Kristine, Maricel, Precious",
        "Mark Anthony, John Paul, Jericho, Ramon, Rodel, Arnel, Carlo, Emmanuel",
        "Santos, Reyes, de la Cruz, Bautista, Garcia, Mendoza, Villanueva, Ramos, Aquino, "
        "Castillo, Macaraeg, Dimaculangan",
        preferred={"Maria Cristina": "Tina", "Mark Anthony": "Mac", "John Paul": "JP"},
    ),
    _culture(
        2, True,
        "Selam, Saba, Hiwet, Freweini, Luwam, Senait, Yordanos, Helen",
        "Dawit, Yonas, Tesfay, Semere, Amanuel, Filmon, Robel, Habtom",
        "Tesfay, Gebrehiwet, Habte, Tekle, Kidane, Gebremedhin, Woldemichael, Mehari, "
        "Tsegay, Yemane, Berhane, Ghebreyesus",
    ),
    _culture(
        4, True,
        "Zofia, Katarzyna, Agnieszka, Małgorzata, Aleksandra, Magdalena, Joanna, Anna, Ewa",
        "Łukasz, Piotr, Krzysztof, Tomasz, Paweł, Michał, Jakub, Grzegorz",
        "Wiśniewska, Kowalska, Wójcik, Nowak, Kamińska, Lewandowska, Zielińska, Woźniak, "
        "Szymańska, Dąbrowska",
        "Wiśniewski, Kowalski, Wójcik, Nowak, Kamiński, Lewandowski, Zieliński, Woźniak, "
        "Szymański, Dąbrowski",
        preferred={
            "Katarzyna": "Kate", "Małgorzata": "Gosia", "Aleksandra": "Ola",
            "Agnieszka": "Aga", "Krzysztof": "Chris", "Grzegorz": "Greg",
        },
    ),
    _culture(
        3, True,
        "Ioana, Maria, Elena, Andreea, Mihaela, Cristina, Alexandra, Ileana",
        "Ștefan, Andrei, Mihai, Alexandru, Ionuț, Răzvan, Gheorghe, Bogdan",
        "Păunescu, Bălănescu, Popescu, Ionescu, Stănescu, Dumitrescu, Constantinescu, "
        "Munteanu, Țurcanu, Gheorghiu, Florea, Dobre",
        preferred={"Alexandru": "Alex", "Gheorghe": "George"},
    ),
    _culture(
        3, True,
        "Blerina, Arta, Elira, Drita, Mimoza, Teuta, Vjosa, Besa",
        "Arbër, Besnik, Dritan, Ermal, Gëzim, Ilir, Fatmir, Kujtim, Agron",
        "Hoxha, Krasniqi, Gashi, Berisha, Shehu, Dervishi, Kelmendi, Morina, Leka, Çela, "
        "Bytyçi",
    ),
    _culture(
        4, True,
        "Thị Dũng, Thị Lan, Thị Hương, Thị Mai, Ngọc Anh, Thị Thảo, Thu Trang, Thị Hằng",
        "Văn Hưng, Văn Nam, Minh Tuấn, Đức Anh, Quốc Bảo, Hoàng Long, Văn Dũng, Thành Đạt",
        "Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương",
        preferred={"Thị Dũng": "Dung", "Văn Hưng": "Hung", "Thu Trang": "Trang"},
    ),
    _culture(
        1, True,
        "Anneke, Femke, Sanne, Lotte, Jutta, Birgit",
        "Jeroen, Pieter, Daan, Bram, Jürgen, Matthias",
        "van der Berg, de Vries, van Dijk, Bakker, de Jong, van den Heuvel, Müller, "
        "Schröder, Weiß",
    ),
    _culture(
        6, False,
        "Олена=Olena, Оксана=Oksana, Наталія=Nataliia, Ірина=Iryna, Юлія=Yuliia, "
        "Катерина=Kateryna, Анастасія=Anastasiia, Світлана=Svitlana",
        "Олександр=Oleksandr, Андрій=Andrii, Сергій=Serhii, Дмитро=Dmytro, Іван=Ivan, "
        "Тарас=Taras, Богдан=Bohdan, Юрій=Yurii",
        "Коваленко=Kovalenko, Шевченко=Shevchenko, Бондаренко=Bondarenko, "
        "Ткаченко=Tkachenko, Мельник=Melnyk, Кравчук=Kravchuk, Поліщук=Polishchuk, "
        "Бойко=Boiko, Савчук=Savchuk, Лисенко=Lysenko, Гончаренко=Honcharenko",
        preferred={"Олександр": "Саша", "Анастасія": "Настя", "Катерина": "Kate"},
    ),
    _culture(
        7, False,
        "فاطمة=Fatima, مريم=Maryam, نور=Nour, عائشة=Aisha, ليلى=Layla, سارة=Sara, "
        "هبة=Hiba, ياسمين=Yasmin, فاطمة الزهراء=Fatima Alzahraa",
        "محمد=Mohammed, أحمد=Ahmed, علي=Ali, عمر=Omar, يوسف=Youssef, خالد=Khaled, "
        "حسن=Hassan, إبراهيم=Ibrahim",
        "الأحمد=Al-Ahmad, حسن=Hassan, العلي=Al-Ali, إبراهيم=Ibrahim, خليل=Khalil, "
        "منصور=Mansour, الحسيني=Al-Husseini, عبد الله=Abdullah, الشامي=Al-Shami, "
        "الخطيب=Al-Khatib, سليمان=Suleiman",
        preferred={"محمد": "Mo", "فاطمة الزهراء": "فاطمة"},
    ),
    _culture(
        4, False,
        "مریم=Maryam, زهرا=Zahra, فاطمه=Fatemeh, نگار=Negar, شیرین=Shirin, پریسا=Parisa, "
        "الهام=Elham",
        "علی=Ali, محمد=Mohammad, رضا=Reza, حسین=Hossein, امیر=Amir, مهدی=Mehdi, "
        "بهرام=Bahram, کاوه=Kaveh",
        "حسینی=Hosseini, محمدی=Mohammadi, رضایی=Rezaei, احمدی=Ahmadi, کریمی=Karimi, "
        "موسوی=Mousavi, جعفری=Jafari, رحیمی=Rahimi, صادقی=Sadeghi, نوری=Nouri",
    ),
    _culture(
        4, False,
        "ሰላም=Selam, ሳባ=Saba, ሕይወት=Hiwet, ፍረወይኒ=Freweini, ሉዋም=Luwam, ኤልሳ=Elsa, ሃና=Hana",
        "ዳዊት=Dawit, ሚካኤል=Mikael, ዮናስ=Yonas, ተስፋይ=Tesfay, ሰመረ=Semere, ኣማኑኤል=Amanuel, "
        "ሃብቶም=Habtom",
        "ተስፋይ=Tesfay, ገብረሂወት=Gebrehiwet, ሃብተ=Habte, ተኽለ=Tekle, ኪዳነ=Kidane, "
        "ገብረመድህን=Gebremedhin, ወልደሚካኤል=Woldemichael, መሓሪ=Mehari, ጸጋይ=Tsegay, "
        "የማነ=Yemane, ብርሃነ=Berhane",
    ),
    _culture(
        6, False,
        "芳=Fang, 静=Jing, 娜=Na, 秀英=Xiuying, 丽=Li, 婷=Ting, 敏=Min, 雪=Xue, 慧=Hui, 子涵=Zihan",
        "伟=Wei, 磊=Lei, 强=Qiang, 军=Jun, 洋=Yang, 浩然=Haoran, 思远=Siyuan, 杰=Jie, 涛=Tao",
        "王=Wang, 李=Li, 张=Zhang, 刘=Liu, 陈=Chen, 杨=Yang, 黄=Huang, 赵=Zhao, 吴=Wu, "
        "周=Zhou, 林=Lin, 徐=Xu",
        preferred={"芳": "Fiona", "伟": "David", "浩然": "Howard"},
    ),
    _culture(
        3, False,
        "Μαρία=Maria, Ελένη=Eleni, Αικατερίνη=Aikaterini, Σοφία=Sofia, "
        "Δέσποινα=Despoina, Γεωργία=Georgia",
        "Γιώργος=Giorgos, Δημήτρης=Dimitris, Κωνσταντίνος=Konstantinos, Νίκος=Nikos, "
        "Γιάννης=Giannis, Παναγιώτης=Panagiotis",
        "Παπαδοπούλου=Papadopoulou, Γεωργίου=Georgiou, Οικονόμου=Oikonomou, "
        "Νικολάου=Nikolaou, Ιωάννου=Ioannou, Δημητρίου=Dimitriou, Αντωνίου=Antoniou, "
        "Βασιλείου=Vasileiou",
        "Παπαδόπουλος=Papadopoulos, Γεωργίου=Georgiou, Οικονόμου=Oikonomou, "
        "Νικολάου=Nikolaou, Ιωάννου=Ioannou, Δημητρίου=Dimitriou, Αντωνίου=Antoniou, "
        "Βασιλείου=Vasileiou",
        preferred={"Κωνσταντίνος": "Κώστας", "Παναγιώτης": "Panos", "Αικατερίνη": "Κατερίνα"},
    ),
    _culture(
        3, False,
        "נועה=Noa, שירה=Shira, מיכל=Michal, תמר=Tamar, יעל=Yael, רחל=Rachel",
        "דוד=David, יוסף=Yosef, איתי=Itai, נועם=Noam, משה=Moshe, אורי=Uri",
        "כהן=Cohen, לוי=Levi, מזרחי=Mizrahi, פרץ=Peretz, ביטון=Biton, פרידמן=Friedman, "
        "שפירא=Shapira",
    ),
    _culture(
        3, False,
        "지은=Jieun, 서연=Seoyeon, 민지=Minji, 수진=Sujin, 하은=Haeun, 예린=Yerin",
        "민준=Minjun, 서준=Seojun, 지훈=Jihoon, 현우=Hyunwoo, 도윤=Doyun, 성민=Sungmin",
        "김=Kim, 이=Lee, 박=Park, 최=Choi, 정=Jung, 강=Kang, 조=Cho, 윤=Yoon, 장=Jang, 임=Lim",
        preferred={"지은": "Jenny"},
    ),
    _culture(
        4, False,
        "陽子=Yoko, 美咲=Misaki, 由美=Yumi, 恵子=Keiko, 愛=Ai, 真由美=Mayumi, さくら=Sakura",
        "健=Ken, 大輔=Daisuke, 翔太=Shota, 拓也=Takuya, 浩=Hiroshi, 誠=Makoto, 直樹=Naoki",
        "佐藤=Sato, 鈴木=Suzuki, 高橋=Takahashi, 田中=Tanaka, 渡辺=Watanabe, 伊藤=Ito, "
        "山本=Yamamoto, 中村=Nakamura, 小林=Kobayashi, 加藤=Kato",
    ),
)
_CULTURE_CUM = list(accumulate(c.weight for c in _CULTURES))
_CATEGORIES = tuple(_CATEGORY_WEIGHTS)
_CATEGORY_CUM = list(accumulate(_CATEGORY_WEIGHTS.values()))
_ORG_DOMAINS = {
    org: "-".join(re.findall(r"[a-z0-9]+", fold(org).replace("'", ""))) + ".example"
    for pool in _ORGANISATIONS_BY_CATEGORY.values()
    for org in pool
    if org
}
# Copied from the first registration to the second when someone registers twice.
_PERSON_FIELDS = (
    "first_name", "last_name", "badge_name", "pronouns", "organisation", "email",
    "category", "access_needs", "photo_consent",
)
_QUIRKS_FROM = 10  # smaller lists have no room for the deliberate quirks


def demo_records(count: int = 300, seed: int = 1) -> list[SourceRecord]:
    """``count`` fictional registrations; the same seed always gives the same list."""
    rng = random.Random(seed)
    cancelled = [rng.random() < 0.03 for _ in range(count)]
    sessions = _book_workshops(rng, workshops_for(count), cancelled)
    cultures = rng.choices(_CULTURES, cum_weights=_CULTURE_CUM, k=count)
    categories = rng.choices(_CATEGORIES, cum_weights=_CATEGORY_CUM, k=count)
    emails: dict[str, int] = {}
    barcodes: set[str] = set()
    people = [
        _person(rng, i, cultures[i], categories[i], cancelled[i], emails, barcodes)
        for i in range(count)
    ]
    if count >= _QUIRKS_FROM:
        _add_quirks(people, emails)
    return [
        SourceRecord(row=i + 2, fields=fields, sessions=sessions.get(i, ()), kept=kept)
        for i, (fields, kept) in enumerate(people)
    ]


def _book_workshops(
    rng: random.Random, workshops: tuple[DemoWorkshop, ...], cancelled: list[bool]
) -> dict[int, tuple[str, ...]]:
    """Fill each workshop to 80-100% from active people, at most one workshop per slot."""
    booked: dict[int, tuple[str, ...]] = {}
    active = [i for i, gone in enumerate(cancelled) if not gone]
    for starts in sorted({w.starts for w in workshops}):
        in_slot = [w for w in workshops if w.starts == starts]
        wanted = [int(w.capacity * rng.uniform(0.8, 1.0)) for w in in_slot]
        scale = min(1.0, len(active) / max(1, sum(wanted)))
        seats = [int(n * scale) for n in wanted]
        chosen = iter(rng.sample(active, sum(seats)))
        for workshop, n in zip(in_slot, seats, strict=True):
            for person in islice(chosen, n):
                booked[person] = (*booked.get(person, ()), workshop.name)
    return booked


def _person(
    rng: random.Random, i: int, culture: _Culture, category: str, cancelled: bool,
    emails: dict[str, int], barcodes: set[str],
) -> _Registration:
    """The fields of one registration, and the columns its organisers keep to themselves."""
    rnd = rng.random
    female = rnd() < 0.55
    given = _pick(culture.female if female else culture.male, rnd)
    family = _pick(culture.family_f if female else culture.family_m, rnd)
    organisation = _pick(_ORGANISATIONS_BY_CATEGORY[category], rnd)
    if organisation and rnd() < 0.5:
        domain = _ORG_DOMAINS[organisation]
    else:
        domain = _pick(_PERSONAL_DOMAINS, rnd)
    fields = {
        "external_ref": f"DEMO-{i + 1:06d}",
        "external_barcode": _barcode(rng, barcodes) if rnd() < 0.5 else "",
        "first_name": given.native,
        "last_name": family.native,
        "badge_name": _badge_name(culture, given, family) if rnd() < 0.5 else "",
        "pronouns": _pronouns(rnd(), female) if rnd() < 0.3 else "",
        "organisation": organisation,
        "email": _email(_local_part(given.email, family.email, rnd()), domain, emails),
        "category": category,
        "status": "cancelled" if cancelled else "active",
        "desk_note": _desk_note(category, rnd),
        "access_needs": _pick(_ACCESS_NEEDS, rnd) if rnd() < 0.04 else "",
        "photo_consent": "no" if rnd() < 0.15 else "yes",
    }
    kept = {"Dietary": _pick(_DIETS, rnd)} if rnd() < 0.25 else {}
    return fields, kept


def _pick(pool: Sequence[_T], rnd: Callable[[], float]) -> _T:
    return pool[int(rnd() * len(pool))]


def _barcode(rng: random.Random, taken: set[str]) -> str:
    """A 12-digit ticket barcode like an Eventbrite export's, unique in the list."""
    while (code := str(int(rng.random() * 9e11) + 10**11)) in taken:
        pass
    taken.add(code)
    return code


def _badge_name(culture: _Culture, given: _Name, family: _Name) -> str:
    """The preferred name with the family name, or "" if this given name has none."""
    preferred = culture.preferred.get(given.native)
    if preferred is None:
        return ""
    # "Fiona Wang", not "Fiona 王": someone choosing a Latin name wants a Latin badge.
    surname = family.roman if preferred.isascii() and not culture.latin else family.native
    return f"{preferred} {surname}"


def _pronouns(draw: float, female: bool) -> str:
    if draw < 0.1:
        return "they/them"
    if draw < 0.15:
        return "she/they" if female else "he/they"
    return "she/her" if female else "he/him"


def _local_part(given: str, family: str, draw: float) -> str:
    if not family:
        return given
    if draw < 0.55:
        return f"{given}.{family}"
    if draw < 0.75:
        return f"{given[0]}{family}"
    if draw < 0.9:
        return f"{given}{family}"
    return f"{family}.{given}"


def _email(local: str, domain: str, taken: dict[str, int]) -> str:
    """An address no one else in the list has: a number goes before the @ when needed."""
    address = f"{local}@{domain}"
    used = taken.get(address, 0)
    taken[address] = used + 1
    # Names never end in a digit, so a numbered address cannot clash with a plain one.
    return address if used == 0 else f"{local}{used + 1}@{domain}"


def _desk_note(category: str, rnd: Callable[[], float]) -> str:
    if category == "speaker" and rnd() < 0.3:
        return _SPEAKER_NOTE
    if rnd() < 0.006:
        return _pick(_DESK_NOTES, rnd)
    return ""


def _add_quirks(people: list[_Registration], emails: dict[str, int]) -> None:
    """Data every real export has: a double registration, a group booking, odd names."""
    count = len(people)
    longest = people[count // 8][0]
    original = people[count // 5][0]
    only_first = people[count // 3][0]
    group = [fields for fields, _ in people[count // 2 - 1 : count // 2 + 2]]
    twice = people[count * 3 // 4][0]

    longest.update(
        first_name="María de los Ángeles",
        last_name="Fernández de Córdoba y Gutiérrez-Solana",
        badge_name="",
        pronouns="",
        email=_email("mariangeles.fernandezdecordoba", "example.org", emails),
    )
    only_first.update(
        first_name="Suryani", last_name="", badge_name="", pronouns="",
        email=_email("suryani", "example.net", emails),
    )
    for member in group[1:]:
        member.update(email=group[0]["email"], organisation=group[0]["organisation"])
    twice.update({key: original[key] for key in _PERSON_FIELDS})
