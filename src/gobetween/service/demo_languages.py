"""The languages of the Black Sea demo: clause wording, working languages, translators.

- The process works in English, Ukrainian, Russian, Turkish and Arabic; the *food corridor*
  track in English, Ukrainian, Russian and Turkish (the Istanbul talks), the *energy
  facilities* track also in Arabic (Qatar mediates it), the *prisoner return* track in English,
  Ukrainian and Russian.
- Every option of the food-corridor and energy-facilities agendas carries its clause in each of
  the track's languages (:data:`FOOD_WORDING`, :data:`ENERGY_WORDING`): the text the mediators
  draft from is complete in every working language. The clauses summarise public reporting on
  the Black Sea Grain Initiative; the energy clauses are illustrative. The translations are
  ours, written in the register of the treaty texts of each language.
- The United Nations has three translators on the food corridor (English with Ukrainian,
  Russian and Turkish), Qatar three on the energy facilities (Arabic with English, Ukrainian and
  Russian); each has a printed login (``translator-en-uk@...``).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from gobetween.model import Agenda, Issue, Option, OrganisationKind, Role
from gobetween.service import prepare, translations
from gobetween.service.languages import set_track_languages, set_working_languages
from gobetween.store import repositories
from gobetween.store import tables as t

__all__ = [
    "ENERGY_AGREEMENT_LANGUAGES",
    "ENERGY_AGREEMENT_WORDING",
    "ENERGY_WORDING",
    "FOOD_WORDING",
    "INITIATIVE_LANGUAGES",
    "INITIATIVE_WORDING",
    "TRANSLATORS",
    "add_languages",
    "with_wording",
]

Wording = Mapping[str, Mapping[str, Mapping[str, str]]]


def _counted(values: tuple[str, ...], templates: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Clauses that differ only by a number of days: ``{value: {language: clause}}``."""
    return {n: {code: text.format(n=n) for code, text in templates.items()} for n in values}


#: Clause per option per language of the food-corridor agenda (scenario black_sea_corridor).
FOOD_WORDING: Wording = {
    "ports": {
        "Odesa": {
            "en": "Vessels depart from the port of Odesa.",
            "uk": "Судна відходять з порту Одеса.",
            "ru": "Суда отходят из порта Одесса.",
            "tr": "Gemiler Odesa limanından hareket eder.",
        },
        "Odesa and Chornomorsk": {
            "en": "Vessels depart from the ports of Odesa and Chornomorsk.",
            "uk": "Судна відходять з портів Одеса і Чорноморськ.",
            "ru": "Суда отходят из портов Одесса и Черноморск.",
            "tr": "Gemiler Odesa ve Çornomorsk limanlarından hareket eder.",
        },
        "Odesa, Chornomorsk and Yuzhny": {
            "en": "Vessels depart from the ports of Odesa, Chornomorsk and Yuzhny (Pivdennyi).",
            "uk": "Судна відходять з портів Одеса, Чорноморськ і Південний (Южний).",
            "ru": "Суда отходят из портов Одесса, Черноморск и Южный (Пивденный).",
            "tr": "Gemiler Odesa, Çornomorsk ve Yujni (Pivdennıy) limanlarından hareket eder.",
        },
        "Odesa, Chornomorsk, Yuzhny and Mykolaiv": {
            "en": "Vessels depart from the ports of Odesa, Chornomorsk, Yuzhny (Pivdennyi) and "
            "Mykolaiv.",
            "uk": "Судна відходять з портів Одеса, Чорноморськ, Південний (Южний) і Миколаїв.",
            "ru": "Суда отходят из портов Одесса, Черноморск, Южный (Пивденный) и Николаев.",
            "tr": "Gemiler Odesa, Çornomorsk, Yujni (Pivdennıy) ve Mıkolayiv limanlarından "
            "hareket eder.",
        },
    },
    "cargo": {
        "grain only": {
            "en": "The corridor serves exports of grain.",
            "uk": "Коридор слугує для експорту зерна.",
            "ru": "Коридор служит для экспорта зерна.",
            "tr": "Koridor tahıl ihracatı için kullanılır.",
        },
        "grain and related foodstuffs": {
            "en": "The corridor serves exports of grain and related foodstuffs.",
            "uk": "Коридор слугує для експорту зерна та пов'язаних із ним продуктів харчування.",
            "ru": "Коридор служит для экспорта зерна и связанного с ним продовольствия.",
            "tr": "Koridor tahıl ve ilgili gıda maddelerinin ihracatı için kullanılır.",
        },
        "grain, foodstuffs and fertiliser": {
            "en": "The corridor serves exports of grain, related foodstuffs and fertilisers.",
            "uk": "Коридор слугує для експорту зерна, пов'язаних із ним продуктів харчування "
            "та добрив.",
            "ru": "Коридор служит для экспорта зерна, связанного с ним продовольствия и удобрений.",
            "tr": "Koridor tahıl, ilgili gıda maddeleri ve gübre ihracatı için kullanılır.",
        },
        "grain, foodstuffs and fertiliser including ammonia": {
            "en": "The corridor serves exports of grain, related foodstuffs and fertilisers, "
            "including ammonia.",
            "uk": "Коридор слугує для експорту зерна, пов'язаних із ним продуктів харчування "
            "та добрив, зокрема аміаку.",
            "ru": "Коридор служит для экспорта зерна, связанного с ним продовольствия и "
            "удобрений, включая аммиак.",
            "tr": "Koridor, amonyak dahil olmak üzere tahıl, ilgili gıda maddeleri ve gübre "
            "ihracatı için kullanılır.",
        },
    },
    "inspection": {
        "joint teams of all four delegations off Istanbul": {
            "en": "Joint teams of all four delegations inspect every vessel in an inspection "
            "area off Istanbul.",
            "uk": "Спільні групи всіх чотирьох делегацій оглядають кожне судно в зоні огляду "
            "поблизу Стамбула.",
            "ru": "Совместные группы всех четырёх делегаций досматривают каждое судно в зоне "
            "досмотра у Стамбула.",
            "tr": "Dört heyetin ortak ekipleri her gemiyi İstanbul açıklarındaki denetim "
            "bölgesinde denetler.",
        },
        "UN and Turkish teams off Istanbul": {
            "en": "Teams of the United Nations and Türkiye inspect every vessel in an inspection "
            "area off Istanbul.",
            "uk": "Групи Організації Об'єднаних Націй і Туреччини оглядають кожне судно в зоні "
            "огляду поблизу Стамбула.",
            "ru": "Группы Организации Объединённых Наций и Турции досматривают каждое судно в "
            "зоне досмотра у Стамбула.",
            "tr": "Birleşmiş Milletler ve Türkiye ekipleri her gemiyi İstanbul açıklarındaki "
            "denetim bölgesinde denetler.",
        },
        "Russian teams at the ports of loading": {
            "en": "Teams of the Russian Federation inspect every vessel at its port of loading.",
            "uk": "Групи Російської Федерації оглядають кожне судно в порту завантаження.",
            "ru": "Группы Российской Федерации досматривают каждое судно в порту погрузки.",
            "tr": "Rusya Federasyonu ekipleri her gemiyi yükleme limanında denetler.",
        },
    },
    "naval presence": {
        "no military within 10 nautical miles of a merchant ship": {
            "en": "No military vessel, aircraft or unmanned vehicle comes closer than 10 "
            "nautical miles to a merchant ship in the corridor.",
            "uk": "Жодне військове судно, літальний апарат чи безпілотний засіб не наближається "
            "до торговельного судна в коридорі ближче ніж на 10 морських миль.",
            "ru": "Ни одно военное судно, летательный аппарат или беспилотное средство не "
            "приближается к торговому судну в коридоре ближе чем на 10 морских миль.",
            "tr": "Hiçbir askeri gemi, hava aracı veya insansız araç koridordaki bir ticaret "
            "gemisine 10 deniz milinden daha fazla yaklaşmaz.",
        },
        "Turkish naval escort": {
            "en": "The Turkish Naval Forces escort merchant ships through the corridor.",
            "uk": "Військово-морські сили Туреччини супроводжують торговельні судна коридором.",
            "ru": "Военно-морские силы Турции сопровождают торговые суда по коридору.",
            "tr": "Türk Deniz Kuvvetleri koridordaki ticaret gemilerine refakat eder.",
        },
        "Russian naval escort": {
            "en": "The Navy of the Russian Federation escorts merchant ships through the corridor.",
            "uk": "Військово-морський флот Російської Федерації супроводжує торговельні судна "
            "коридором.",
            "ru": "Военно-морской флот Российской Федерации сопровождает торговые суда по "
            "коридору.",
            "tr": "Rusya Federasyonu Deniz Kuvvetleri koridordaki ticaret gemilerine refakat eder.",
        },
        "no restriction": {
            "en": "This text places no restriction on military presence in the corridor.",
            "uk": "Цей текст не обмежує військової присутності в коридорі.",
            "ru": "Настоящий текст не ограничивает военное присутствие в коридоре.",
            "tr": "Bu metin, koridordaki askeri varlığa herhangi bir kısıtlama getirmez.",
        },
    },
    "term": _counted(
        ("60", "120", "180"),
        {
            "en": "This initiative remains in force for {n} days.",
            "uk": "Ця ініціатива діє протягом {n} днів.",
            "ru": "Настоящая инициатива действует в течение {n} дней.",
            "tr": "Bu girişim {n} gün süreyle yürürlükte kalır.",
        },
    ),
    "renewal": {
        "automatic for the same term unless a party gives notice": {
            "en": "It is renewed automatically for the same term unless a party gives notice of "
            "termination.",
            "uk": "Вона автоматично продовжується на той самий строк, якщо жодна зі сторін не "
            "повідомить про її припинення.",
            "ru": "Она автоматически продлевается на тот же срок, если ни одна из сторон не "
            "уведомит о её прекращении.",
            "tr": "Taraflardan biri sona erdirme bildiriminde bulunmadıkça aynı süre için "
            "kendiliğinden uzatılır.",
        },
        "by explicit consent of every party": {
            "en": "It is renewed only with the explicit consent of every party.",
            "uk": "Вона продовжується лише за явною згодою кожної зі сторін.",
            "ru": "Она продлевается только с явного согласия каждой из сторон.",
            "tr": "Yalnızca tarafların her birinin açık rızasıyla uzatılır.",
        },
        "no renewal": {
            "en": "It is not renewed and expires at the end of its term.",
            "uk": "Вона не продовжується і припиняє дію після закінчення строку.",
            "ru": "Она не продлевается и прекращает действие по истечении срока.",
            "tr": "Uzatılmaz ve süresinin sonunda sona erer.",
        },
    },
    "demining": {
        "no demining": {
            "en": "No demining is undertaken.",
            "uk": "Розмінування не проводиться.",
            "ru": "Разминирование не проводится.",
            "tr": "Mayın temizleme yapılmaz.",
        },
        "only if needed, by agreement": {
            "en": "Demining is undertaken only where needed and as the parties agree.",
            "uk": "Розмінування проводиться лише в разі потреби і за згодою сторін.",
            "ru": "Разминирование проводится только при необходимости и по согласованию сторон.",
            "tr": "Mayın temizleme yalnızca gerektiğinde ve tarafların mutabakatıyla yapılır.",
        },
        "full demining of the approaches": {
            "en": "The approaches to the ports are fully cleared of mines.",
            "uk": "Підходи до портів повністю розміновуються.",
            "ru": "Подходы к портам полностью разминируются.",
            "tr": "Limanlara yaklaşma yolları mayınlardan tamamen temizlenir.",
        },
    },
    "linked export facilitation": {
        "none": {
            "en": "No related instrument is linked to this initiative.",
            "uk": "До цієї ініціативи не додається жоден пов'язаний документ.",
            "ru": "К настоящей инициативе не прилагается никакой связанный документ.",
            "tr": "Bu girişime bağlı başka bir belge yoktur.",
        },
        "UN memorandum, best efforts": {
            "en": "Under a separate memorandum, the United Nations makes its best efforts to "
            "facilitate exports of Russian food and fertilisers.",
            "uk": "Згідно з окремим меморандумом Організація Об'єднаних Націй докладає всіх "
            "зусиль для сприяння експорту російських продуктів харчування та добрив.",
            "ru": "В соответствии с отдельным меморандумом Организация Объединённых Наций "
            "прилагает все усилия для содействия экспорту российского продовольствия и "
            "удобрений.",
            "tr": "Birleşmiş Milletler, ayrı bir mutabakat zaptı uyarınca Rus gıda ve gübre "
            "ihracatını kolaylaştırmak için azami çabayı gösterir.",
        },
        "UN memorandum with binding commitments on payments, insurance and the ammonia pipeline": {
            "en": "Under a separate memorandum, the United Nations undertakes to facilitate "
            "payments, insurance and the operation of the ammonia pipeline for Russian exports "
            "of food and fertilisers.",
            "uk": "Згідно з окремим меморандумом Організація Об'єднаних Націй зобов'язується "
            "сприяти платежам, страхуванню та роботі аміакопроводу для російського експорту "
            "продуктів харчування та добрив.",
            "ru": "В соответствии с отдельным меморандумом Организация Объединённых Наций "
            "обязуется содействовать платежам, страхованию и работе аммиакопровода для "
            "российского экспорта продовольствия и удобрений.",
            "tr": "Birleşmiş Milletler, ayrı bir mutabakat zaptı uyarınca Rus gıda ve gübre "
            "ihracatı için ödemeleri, sigortayı ve amonyak boru hattının işletilmesini "
            "kolaylaştırmayı taahhüt eder.",
        },
    },
}

#: The working languages of the demo's signed Black Sea Grain Initiative (the Istanbul talks).
INITIATIVE_LANGUAGES = ("en", "uk", "ru", "tr")

#: Clause per agreed option per language of the signed initiative
#: (:func:`gobetween.service.demo_agreement.initiative_agenda`): the agreement's equally
#: authentic texts. The English clauses are the demo's, the others our translations.
INITIATIVE_WORDING: Wording = {
    "ports": {
        "three ports": {
            "en": "Exports of grain, related foodstuffs and fertilisers, including ammonia, "
            "leave from Odesa, Chornomorsk and Yuzhny (Pivdennyi).",
            "uk": "Експорт зерна, пов'язаних із ним продуктів харчування та добрив, зокрема "
            "аміаку, здійснюється з портів Одеса, Чорноморськ і Південний (Южний).",
            "ru": "Экспорт зерна, связанного с ним продовольствия и удобрений, включая аммиак, "
            "осуществляется из портов Одесса, Черноморск и Южный (Пивденный).",
            "tr": "Tahıl, ilgili gıda maddeleri ve amonyak dahil gübre ihracatı Odesa, "
            "Çornomorsk ve Yujni (Pivdennıy) limanlarından yapılır.",
        },
    },
    "inspections": {
        "joint teams at Istanbul": {
            "en": "Joint teams of the Joint Coordination Centre in Istanbul, one inspector "
            "from each delegation, inspect every vessel inbound and outbound.",
            "uk": "Спільні групи Спільного координаційного центру в Стамбулі, по одному "
            "інспекторові від кожної делегації, оглядають кожне судно, що прямує до портів "
            "і з них.",
            "ru": "Совместные группы Совместного координационного центра в Стамбуле, по одному "
            "инспектору от каждой делегации, досматривают каждое судно, следующее в порты и "
            "из них.",
            "tr": "İstanbul'daki Ortak Koordinasyon Merkezi'nin her heyetten birer denetçiden "
            "oluşan ortak ekipleri, limanlara gelen ve limanlardan çıkan her gemiyi denetler.",
        },
    },
    "inspections per day": {
        "9": {
            "en": "The joint teams inspect at least nine vessels a day (an illustrative "
            "target for the demonstration).",
            "uk": "Спільні групи оглядають щонайменше дев'ять суден на день (умовний "
            "показник для демонстрації).",
            "ru": "Совместные группы досматривают не менее девяти судов в день (условный "
            "показатель для демонстрации).",
            "tr": "Ortak ekipler günde en az dokuz gemiyi denetler (gösterim için örnek bir "
            "hedef).",
        },
    },
    "term": {
        "120": {
            "en": "The initiative runs for 120 days from signature and is renewed by consent "
            "of every signatory; renewals are recorded acts of every signatory.",
            "uk": "Ініціатива діє 120 днів з дня підписання і продовжується за згодою кожної "
            "зі сторін, що її підписали; продовження є зафіксованими актами кожної з них.",
            "ru": "Инициатива действует 120 дней со дня подписания и продлевается с согласия "
            "каждой подписавшей её стороны; продления являются зафиксированными актами "
            "каждой из них.",
            "tr": "Girişim imzadan itibaren 120 gün yürürlükte kalır ve imzacıların her "
            "birinin rızasıyla uzatılır; uzatmalar her imzacının kayda geçen işlemleridir.",
        },
    },
}

#: The working languages of the demo's signed (illustrative) energy-facilities moratorium:
#: Qatar mediates it in Arabic beside English, Ukrainian and Russian.
ENERGY_AGREEMENT_LANGUAGES = ("en", "uk", "ru", "ar")

#: Clause per agreed option per language of that moratorium
#: (:mod:`gobetween.service.demo_records`): its equally authentic texts (illustrative).
ENERGY_AGREEMENT_WORDING: Wording = {
    "scope": {
        "all energy": {
            "en": "Neither party strikes power generation, transmission or gas facilities of "
            "the other (illustrative wording).",
            "uk": "Жодна зі сторін не завдає ударів по об'єктах генерації та передачі "
            "електроенергії чи газових об'єктах іншої сторони (умовне формулювання).",
            "ru": "Ни одна из сторон не наносит ударов по объектам генерации и передачи "
            "электроэнергии или газовым объектам другой стороны (условная формулировка).",
            "ar": "لا يستهدف أي من الطرفين منشآت توليد الكهرباء أو نقلها أو منشآت الغاز "
            "التابعة للطرف الآخر (صياغة توضيحية).",
        },
    },
    "term": {
        "30": {
            "en": "The moratorium runs for 30 days; it is renewed by consent of every "
            "signatory (illustrative).",
            "uk": "Мораторій діє 30 днів і продовжується за згодою кожної зі сторін, що його "
            "підписали (умовно).",
            "ru": "Мораторий действует 30 дней и продлевается с согласия каждой подписавшей "
            "его стороны (условно).",
            "ar": "يسري الوقف لمدة 30 يومًا، ويُجدَّد بموافقة كل طرف موقِّع (توضيحي).",
        },
    },
}

#: Clause per option per language of the (illustrative) energy-facilities agenda.
ENERGY_WORDING: Wording = {
    "scope": {
        "power generation": {
            "en": "The parties refrain from strikes on power generation facilities.",
            "uk": "Сторони утримуються від ударів по об'єктах виробництва електроенергії.",
            "ru": "Стороны воздерживаются от ударов по объектам производства электроэнергии.",
            "tr": "Taraflar elektrik üretim tesislerine yönelik saldırılardan kaçınır.",
            "ar": "يمتنع الطرفان عن ضرب منشآت توليد الطاقة الكهربائية.",
        },
        "generation and grid": {
            "en": "The parties refrain from strikes on power generation facilities and on the "
            "electricity grid.",
            "uk": "Сторони утримуються від ударів по об'єктах виробництва електроенергії та по "
            "електромережах.",
            "ru": "Стороны воздерживаются от ударов по объектам производства электроэнергии и "
            "по электросетям.",
            "tr": "Taraflar elektrik üretim tesislerine ve elektrik şebekesine yönelik "
            "saldırılardan kaçınır.",
            "ar": "يمتنع الطرفان عن ضرب منشآت توليد الطاقة الكهربائية وشبكة الكهرباء.",
        },
        "all energy": {
            "en": "The parties refrain from strikes on all energy infrastructure.",
            "uk": "Сторони утримуються від ударів по всій енергетичній інфраструктурі.",
            "ru": "Стороны воздерживаются от ударов по всей энергетической инфраструктуре.",
            "tr": "Taraflar tüm enerji altyapısına yönelik saldırılardan kaçınır.",
            "ar": "يمتنع الطرفان عن ضرب جميع منشآت البنية التحتية للطاقة.",
        },
    },
    "duration": _counted(
        ("30", "60", "90"),
        {
            "en": "The moratorium lasts {n} days.",
            "uk": "Мораторій діє {n} днів.",
            "ru": "Мораторий действует {n} дней.",
            "tr": "Moratoryum {n} gün sürer.",
            "ar": "يسري الوقف لمدة {n} يوما.",
        },
    ),
    "verification": {
        "none": {
            "en": "No verification mechanism is established.",
            "uk": "Механізм перевірки не створюється.",
            "ru": "Механизм проверки не создаётся.",
            "tr": "Herhangi bir doğrulama mekanizması kurulmaz.",
            "ar": "لا تنشأ أي آلية للتحقق.",
        },
        "IAEA at nuclear sites": {
            "en": "The International Atomic Energy Agency verifies compliance at nuclear sites.",
            "uk": "Міжнародне агентство з атомної енергії перевіряє дотримання на ядерних "
            "об'єктах.",
            "ru": "Международное агентство по атомной энергии проверяет соблюдение на ядерных "
            "объектах.",
            "tr": "Uluslararası Atom Enerjisi Ajansı nükleer tesislerde uyumu doğrular.",
            "ar": "تتحقق الوكالة الدولية للطاقة الذرية من الامتثال في المواقع النووية.",
        },
        "joint monitoring": {
            "en": "A joint monitoring group with the participation of Qatar verifies compliance.",
            "uk": "Спільна група моніторингу за участю Катару перевіряє дотримання.",
            "ru": "Совместная группа мониторинга с участием Катара проверяет соблюдение.",
            "tr": "Katar'ın katıldığı ortak bir izleme grubu uyumu doğrular.",
            "ar": "يتحقق فريق رصد مشترك بمشاركة قطر من الامتثال.",
        },
    },
}

#: (login name: its language pair at the end, display name, mediating organisation, track)
TRANSLATORS: tuple[tuple[str, str, str, str], ...] = (
    ("translator-en-uk", "UN translator (English-Ukrainian)", "United Nations", "food corridor"),
    ("translator-en-ru", "UN translator (English-Russian)", "United Nations", "food corridor"),
    ("translator-en-tr", "UN translator (English-Turkish)", "United Nations", "food corridor"),
    ("translator-ar-en", "Qatar translator (Arabic-English)", "Qatar", "energy facilities"),
    ("translator-ar-uk", "Qatar translator (Arabic-Ukrainian)", "Qatar", "energy facilities"),
    ("translator-ar-ru", "Qatar translator (Arabic-Russian)", "Qatar", "energy facilities"),
)

#: Working languages of the process and of each track.
PROCESS_LANGUAGES = ("en", "uk", "ru", "tr", "ar")
TRACK_LANGUAGES = {
    "food corridor": ("en", "uk", "ru", "tr"),
    "energy facilities": ("en", "uk", "ru", "tr", "ar"),
    "prisoner return": ("en", "uk", "ru"),
}


def with_wording(agenda: Agenda, wording: Wording) -> Agenda:
    """``agenda`` with each option's clause wording taken from ``wording`` (issue -> option ->
    language -> clause); options not listed keep theirs.

    >>> from gobetween.service.demo import energy_agenda
    >>> worded = with_wording(energy_agenda(), ENERGY_WORDING)
    >>> worded.issue("duration").options[0].clause("ar")
    'يسري الوقف لمدة 30 يوما.'
    """
    issues = []
    for issue in agenda.issues:
        table = wording.get(issue.name, {})
        options = tuple(
            Option(o.name, o.value, o.label, {**o.wording, **table.get(o.name, {})})
            for o in issue.options
        )
        issues.append(Issue(issue.name, options, kind=issue.kind, unit=issue.unit))
    return Agenda(tuple(issues), name=agenda.name)


def add_languages(
    session: Session,
    admin_id: int,
    process_id: int,
    translators: Mapping[str, tuple[t.User, str]],
) -> None:
    """Declare the working languages of the process and its tracks; seat the translators in
    their mediating organisations and give them their tracks.
    """
    admin = repositories.load_actor(session, admin_id)
    set_working_languages(session, admin, process_id, PROCESS_LANGUAGES)
    orgs = {o.name: o for o in repositories.organisations(session, admin, process_id)}
    tracks = {row.name: row for row, _ in repositories.tracks(session, admin, process_id)}
    for name, codes in TRACK_LANGUAGES.items():
        set_track_languages(session, admin, tracks[name].id, codes)
    for login, _, organisation, track in TRANSLATORS:
        user = translators[login][0]
        prepare.add_member(
            session,
            admin,
            process_id,
            email=user.email,
            role=Role.TRANSLATOR,
            organisation_id=orgs[organisation].id,
        )
        assert orgs[organisation].kind == OrganisationKind.MEDIATOR
        translations.assign_translator(session, admin, tracks[track].id, user.id)
