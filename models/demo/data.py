"""What the demo is made of: the five kinds of home-based workers' groups of the study that
motivated Kongthun, their places, and Lao names.

Figures per kind come from the policy brief (reference/policy-brief-home-based-workers-
vientiane.txt): Table 1 (distance to the LSSO office, number of participants, average age,
share of women, average annual income in USD) and Table 2 (members in the NSSF voluntary
scheme, in Community-based Health Insurance, with private insurance). The brief gives ~15 %
of the 75 as former voluntary contributors without a split per group; we put them where its
text points: mostly weavers (Box 2: claims refused, members stopped paying), none among the
vegetable farmers (who had not heard of the scheme). Seasons are the brief's: tailors, tray
makers and weavers earn most November–May; vegetable farmers peak May–December; recyclers
are steady. The size of the swing (the factors) is our assumption.

The brief names no villages (only the Xaythany district office it worked with). The villages
below are real-sounding places of Vientiane Capital's districts chosen to match the brief's
distances; they are illustrative, not where the study's participants live.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Brief, footnote 3: LAK 18,540 to USD 1 (Lao Statistics Bureau, June 2023).
USD_TO_LAK = 18_540

NOV_TO_MAY = frozenset({11, 12, 1, 2, 3, 4, 5})
MAY_TO_DEC = frozenset({5, 6, 7, 8, 9, 10, 11, 12})


@dataclass(frozen=True)
class Village:
    name_lao: str
    name_latin: str
    district_lao: str
    district_latin: str
    distance_km: int  # from the LSSO office in Vientiane


@dataclass(frozen=True)
class GroupKind:
    key: str
    name_lao: str           # the group's name before its village: "ກຸ່ມຊ່າງຕັດຫຍິບ"
    name_latin: str         # after the village: "tailors"
    occupation_lao: str
    members: int
    women: int
    average_age: int
    annual_income_usd: int
    nssf_active: int        # paying into the NSSF voluntary scheme
    nssf_lapsed: int        # former voluntary contributors who stopped
    community_health_insurance: int
    private_insurance: int
    high_months: frozenset[int]
    high_factor: Decimal    # income in a high month, relative to the year's average
    low_factor: Decimal
    villages: tuple[Village, ...]  # the study group's villages; it meets in the first

    def income_factor(self, month: int) -> Decimal:
        return self.high_factor if month in self.high_months else self.low_factor

    def is_high_season(self, month: int) -> bool:
        return month in self.high_months and self.high_factor > self.low_factor


XAYTHANY = ("ເມືອງໄຊທານີ", "Xaythany")
SIKHOTTABONG = ("ເມືອງສີໂຄດຕະບອງ", "Sikhottabong")
XAYSETTHA = ("ເມືອງໄຊເສດຖາ", "Xaysettha")
SISATTANAK = ("ເມືອງສີສັດຕະນາກ", "Sisattanak")
CHANTHABOULY = ("ເມືອງຈັນທະບູລີ", "Chanthabouly")
NAXAYTHONG = ("ເມືອງນາຊາຍທອງ", "Naxaythong")
HADXAYFONG = ("ເມືອງຫາດຊາຍຟອງ", "Hadxayfong")
SANGTHONG = ("ເມືອງສັງທອງ", "Sangthong")
PAKNGUM = ("ເມືອງປາກງື່ມ", "Pak Ngum")


def _v(lao: str, latin: str, district: tuple[str, str], km: int) -> Village:
    return Village(lao, latin, district[0], district[1], km)


KINDS: tuple[GroupKind, ...] = (
    GroupKind(
        key="tailors", name_lao="ກຸ່ມຊ່າງຕັດຫຍິບ", name_latin="tailors",
        occupation_lao="ຊ່າງຕັດຫຍິບ", members=9, women=8, average_age=38,
        annual_income_usd=1_499, nssf_active=2, nssf_lapsed=1,
        community_health_insurance=0, private_insurance=2,
        high_months=NOV_TO_MAY, high_factor=Decimal("1.30"), low_factor=Decimal("0.60"),
        villages=(_v("ບ້ານສີໄຄ", "Sikhay", SIKHOTTABONG, 9),
                  _v("ບ້ານໜອງດ້ວງ", "Nongduang", SIKHOTTABONG, 5),
                  _v("ບ້ານດົງໂດກ", "Dongdok", XAYTHANY, 14))),
    GroupKind(
        key="tray_makers", name_lao="ກຸ່ມສານກະດົ້ງ", name_latin="bamboo-tray makers",
        occupation_lao="ສານກະດົ້ງໄມ້ໄຜ່", members=12, women=12, average_age=44,
        annual_income_usd=1_575, nssf_active=5, nssf_lapsed=2,
        community_health_insurance=0, private_insurance=0,
        high_months=NOV_TO_MAY, high_factor=Decimal("1.30"), low_factor=Decimal("0.60"),
        villages=(_v("ບ້ານດົງໝາກຄາຍ", "Dongmakkhai", XAYTHANY, 17),)),
    GroupKind(
        key="recyclers", name_lao="ກຸ່ມຄັດແຍກເຄື່ອງເກົ່າ", name_latin="recyclers",
        occupation_lao="ເກັບ ແລະ ຄັດແຍກເຄື່ອງເກົ່າ", members=9, women=7, average_age=36,
        annual_income_usd=1_111, nssf_active=0, nssf_lapsed=0,
        community_health_insurance=0, private_insurance=1,
        high_months=frozenset(), high_factor=Decimal("1.00"), low_factor=Decimal("1.00"),
        villages=(_v("ບ້ານໂນນສະຫວ່າງ", "Nonsavang", XAYTHANY, 30),)),
    GroupKind(
        key="vegetable_farmers", name_lao="ກຸ່ມປູກຜັກປອດສານພິດ",
        name_latin="organic-vegetable farmers", occupation_lao="ປູກຜັກປອດສານພິດ",
        members=23, women=20, average_age=45, annual_income_usd=1_575, nssf_active=0,
        nssf_lapsed=0, community_health_insurance=10, private_insurance=8,
        high_months=MAY_TO_DEC, high_factor=Decimal("1.15"), low_factor=Decimal("0.70"),
        villages=(_v("ບ້ານນາຄູນ", "Nakhoun", NAXAYTHONG, 40),)),
    GroupKind(
        key="weavers", name_lao="ກຸ່ມຕໍ່າຫູກ", name_latin="hand weavers",
        occupation_lao="ຕໍ່າສິ້ນ ແລະ ຜ້າເບ່ຍ", members=22, women=22, average_age=45,
        annual_income_usd=593, nssf_active=8, nssf_lapsed=8,
        community_health_insurance=1, private_insurance=6,
        high_months=NOV_TO_MAY, high_factor=Decimal("1.30"), low_factor=Decimal("0.60"),
        villages=(_v("ບ້ານນາປໍ", "Napo", SANGTHONG, 69),)),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}

# Villages for the groups beyond the first five (``--groups`` > 5), 5–69 km out.
MORE_VILLAGES: tuple[Village, ...] = (
    _v("ບ້ານໂພນທັນ", "Phonthan", XAYSETTHA, 6),
    _v("ບ້ານໂພນປາເປົ້າ", "Phonpapao", SISATTANAK, 5),
    _v("ບ້ານດົງນາໂຊກ", "Dongnasok", SIKHOTTABONG, 8),
    _v("ບ້ານຫ້ວຍຫົງ", "Houayhong", CHANTHABOULY, 7),
    _v("ບ້ານດອນໜູນ", "Donnoun", XAYTHANY, 12),
    _v("ບ້ານໜອງວຽງຄຳ", "Nongviengkham", XAYTHANY, 15),
    _v("ບ້ານນາໄຊ", "Naxay", XAYTHANY, 18),
    _v("ບ້ານທ່າເດື່ອ", "Thadeua", HADXAYFONG, 20),
    _v("ບ້ານໂຄກສະອາດ", "Khoksaath", XAYTHANY, 21),
    _v("ບ້ານນາຊາຍທອງ", "Naxaythong", NAXAYTHONG, 24),
    _v("ບ້ານທ່າງ່ອນ", "Thangon", XAYTHANY, 25),
    _v("ບ້ານນາຄວາຍ", "Nakhouay", NAXAYTHONG, 35),
    _v("ບ້ານໂພນທອງ", "Phonthong", PAKNGUM, 55),
    _v("ບ້ານຫົວຫາດ", "Houahat", SANGTHONG, 62),
)

WOMEN_GIVEN: tuple[tuple[str, str], ...] = (
    ("ແກ້ວ", "Keo"), ("ບົວ", "Boua"), ("ນ້ອຍ", "Noy"), ("ມະນີ", "Many"), ("ພອນ", "Phone"),
    ("ດາວ", "Dao"), ("ຈັນ", "Chanh"), ("ນາລີ", "Naly"), ("ອຸ່ນ", "Oun"), ("ສຸກ", "Souk"),
    ("ມາລາ", "Mala"), ("ລັດສະໝີ", "Latsamy"), ("ຄຳໃສ", "Khamsay"), ("ສີສຸກ", "Sisouk"),
    ("ວຽງຄຳ", "Viengkham"), ("ຈັນທະລາ", "Chanthala"), ("ບົວພັນ", "Bouaphanh"),
    ("ແສງເດືອນ", "Sengdeuane"), ("ດວງເດືອນ", "Douangdeuane"), ("ຄຳພອນ", "Khamphone"),
    ("ສຸດາ", "Souda"), ("ວິໄລ", "Vilay"), ("ປານີ", "Pany"), ("ມະລິ", "Mali"),
    ("ຄຳຫຼ້າ", "Khamla"), ("ທິບ", "Thip"), ("ແພງ", "Pheng"), ("ບຸນເພັງ", "Bounpheng"),
    ("ອາລີ", "Aly"), ("ສີດາ", "Sida"), ("ນິດ", "Nith"), ("ວັນນາ", "Vanna"),
    ("ພອນສະຫວັນ", "Phonesavanh"), ("ດວງຈັນ", "Douangchanh"), ("ສົມຈັນ", "Somchanh"),
    ("ບຸບຜາ", "Bouppha"), ("ອຳໄພ", "Amphay"), ("ຄຳແສງ", "Khamseng"), ("ນວນ", "Nouan"),
    ("ແສງຈັນ", "Sengchanh"),
)

MEN_GIVEN: tuple[tuple[str, str], ...] = (
    ("ສົມພອນ", "Somphone"), ("ຄຳແພງ", "Khampheng"), ("ສີສະຫວາດ", "Sisavath"),
    ("ທອງດີ", "Thongdy"), ("ວົງໄຊ", "Vongxay"), ("ພູວົງ", "Phouvong"), ("ບຸນທອງ", "Bounthong"),
    ("ສົມສັກ", "Somsack"), ("ແສງທອງ", "Sengthong"), ("ບຸນເລີດ", "Bounleuth"),
    ("ຄຳຜາຍ", "Khamphay"), ("ສຸລິຍາ", "Souliya"), ("ບຸນມີ", "Bounmy"), ("ທອງພັນ", "Thongphanh"),
)

FAMILY_NAMES: tuple[tuple[str, str], ...] = (
    ("ພົມມະຈັນ", "Phommachanh"), ("ສີຫາລາດ", "Sihalath"), ("ແກ້ວມະນີ", "Keomany"),
    ("ວົງສາ", "Vongsa"), ("ພິມມະສອນ", "Phimmasone"), ("ອິນທະວົງ", "Inthavong"),
    ("ໄຊຍະວົງ", "Xayavong"), ("ຈັນທະວົງ", "Chanthavong"), ("ດວງມະນີ", "Douangmany"),
    ("ຄຳມະນີ", "Khammany"), ("ສຸວັນນະລາດ", "Souvannalath"), ("ພັນທະວົງ", "Phanthavong"),
    ("ສີສຸວັນ", "Sisouvanh"), ("ທອງສະຫວັນ", "Thongsavanh"), ("ມະນີວົງ", "Manivong"),
    ("ແສງອາລຸນ", "Sengaloun"), ("ບຸນຍະວົງ", "Bounyavong"), ("ພົມມະວົງ", "Phommavong"),
    ("ສີລາວົງ", "Silavong"), ("ລາດສະວົງ", "Latsavong"), ("ຫຼວງລາດ", "Louanglath"),
    ("ໄຊສົມບັດ", "Xaysombath"), ("ວິລະວົງ", "Vilavong"), ("ຂັນທະວົງ", "Khanthavong"),
    ("ພູມມະລາ", "Phoummala"), ("ອຸດົມສຸກ", "Oudomsouk"), ("ສີພັນດອນ", "Siphandone"),
    ("ໂພທິລາດ", "Phothilath"), ("ແສງມະນີ", "Sengmany"), ("ສີສົມບັດ", "Sisombath"),
    ("ວົງພະຈັນ", "Vongphachanh"),
)

WOMAN_PREFIX, MAN_PREFIX = "ນາງ", "ທ້າວ"

# The demo's users: each has the role its name says in every demo group (the admin in
# every group, as the first administrator must be). Display names are data, in Lao.
DEMO_USERS: tuple[tuple[str, str], ...] = (
    ("admin", "ຜູ້ເບິ່ງແຍງລະບົບ (ຕົວຢ່າງ)"),
    ("treasurer", "ຜູ້ຖືເງິນ (ຕົວຢ່າງ)"),
    ("leader", "ຫົວໜ້າກຸ່ມ (ຕົວຢ່າງ)"),
    ("auditor", "ຜູ້ກວດສອບ (ຕົວຢ່າງ)"),
)
DEMO_PASSWORD = "demo"
