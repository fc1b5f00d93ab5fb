"""Plausible Chinese names for demonstration data: people, places, companies, phone numbers.

Everything is drawn from the `random.Random` passed in, so one seed gives the same names.
Surnames follow their rough frequency in Hunan; a few given names use rare characters
(堃, 喆, 玥, 犇, 垚…) so printed documents exercise the font fallback.
"""

from __future__ import annotations

import random
from itertools import accumulate

# (surname, weight): weights roughly follow how common each surname is in Hunan.
_SURNAMES = (
    ("刘", 90), ("李", 85), ("陈", 70), ("王", 65), ("张", 60), ("周", 45), ("罗", 42),
    ("彭", 38), ("谭", 36), ("黄", 36), ("唐", 35), ("邓", 34), ("胡", 32), ("曾", 30),
    ("杨", 30), ("肖", 26), ("吴", 24), ("易", 20), ("蒋", 20), ("赵", 18), ("何", 18),
    ("龙", 16), ("朱", 16), ("谢", 16), ("贺", 15), ("廖", 15), ("欧阳", 12), ("邹", 12),
    ("向", 12), ("田", 11), ("龚", 11), ("戴", 10), ("袁", 10), ("姚", 9), ("许", 9),
    ("熊", 9), ("汤", 8), ("颜", 8), ("文", 8), ("毛", 8), ("雷", 7), ("钟", 7), ("郭", 7),
    ("石", 7), ("孙", 6), ("严", 6), ("符", 5), ("伍", 5), ("尹", 5), ("夏", 5), ("覃", 5),
    ("莫", 4), ("侯", 4), ("左", 4), ("粟", 3), ("司马", 1), ("诸葛", 1),
)
_SURNAME_NAMES = tuple(s for s, _ in _SURNAMES)
_SURNAME_CUM = tuple(accumulate(w for _, w in _SURNAMES))

_GIVEN_MALE = "伟强军明勇杰涛斌华建国平辉刚波峰磊超鹏飞俊宇浩文志毅林海亮坚峻凯德兴福荣"
_GIVEN_FEMALE = "芳娟敏静丽艳红霞燕玲萍英慧琴洁雪梅兰婷颖婕琳倩晶莉露云月蓉佳欣怡茜"
_GIVEN_SHARED = "新春秋阳光晓小永云金玉明红立家世中正卫东南湘江"
# Rare characters real people carry; the printing code must fall back to a font that has them.
RARE_CHARACTERS = "堃喆玥犇垚昇燊淼鑫焱珺琇璟珏旻昉"

# Places: first character + second character makes a village, township or road name.
_PLACE_FIRST = "金银白黄青石桃杨柳梅松竹枫龙凤双三五新高长大小东西南北上下福安永太平兴和清秀锦朝莲荷茶花雁鹤乌泉沙"
_PLACE_SECOND = "山江河湖溪塘冲湾桥岭坪田洲港园林井坡源泉塅垅铺市坝峰水口台"
_TOWN_WORDS = "华丰乐泰福兴安宁和平盛隆康新城"

_INDUSTRIES = ("农业科技", "食品", "机械制造", "建材", "茶业", "生物科技", "电子科技", "物流",
               "纺织", "新材料", "环保科技", "文化传媒", "旅游开发", "米业", "油茶", "竹木制品",
               "医药", "建筑工程", "汽车零部件", "烟花鞭炮", "电力设备", "陶瓷", "水产")
_BRAND_FIRST = "湘楚潇岳华天恒鑫盛宏金瑞富嘉中汇兴远博泰永昌隆创达正"
_BRAND_SECOND = "丰源信宇通辉达泰和安华茂祥利邦科普联诚益德海润"

# Landline area codes of Hunan's cities (Changsha, Zhuzhou and Xiangtan share 0731).
AREA_CODES = {
    "4301": "0731", "4302": "0731", "4303": "0731", "4304": "0734", "4305": "0739",
    "4306": "0730", "4307": "0736", "4308": "0744", "4309": "0737", "4310": "0735",
    "4311": "0746", "4312": "0745", "4313": "0738", "4331": "0743",
}
_MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                    "152", "153", "155", "157", "158", "159", "173", "177", "180", "181", "182",
                    "183", "186", "187", "188", "189", "191", "198", "199")


def person_name(rng: random.Random) -> str:
    """A full name: surname (by frequency) + one or two given characters."""
    surname = rng.choices(_SURNAME_NAMES, cum_weights=_SURNAME_CUM)[0]
    pool = _GIVEN_MALE if rng.random() < 0.62 else _GIVEN_FEMALE
    if rng.random() < 0.025:
        given = rng.choice(_GIVEN_SHARED) + rng.choice(RARE_CHARACTERS)
    elif rng.random() < 0.22 and len(surname) == 1:
        given = rng.choice(pool)
    else:
        given = rng.choice(_GIVEN_SHARED + pool) + rng.choice(pool)
    return surname + given


def place_name(rng: random.Random) -> str:
    """A two-character place name such as 桃源, 金井, 白沙."""
    return rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_SECOND)


def town_name(rng: random.Random) -> str:
    """A two-character township name, a little more formal than a village's (兴隆, 金盛)."""
    if rng.random() < 0.6:
        return place_name(rng)
    return rng.choice(_PLACE_FIRST) + rng.choice(_TOWN_WORDS)


def company_name(rng: random.Random, *, prefix: str) -> str:
    """A company such as 湖南湘丰农业科技有限公司 (`prefix` is a province or county name)."""
    brand = rng.choice(_BRAND_FIRST) + rng.choice(_BRAND_SECOND)
    return f"{prefix}{brand}{rng.choice(_INDUSTRIES)}有限公司"


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random, *, region_code: str) -> str:
    """An office telephone with the city's area code: 0731-8xxxxxxx or 07xx-xxxxxxx."""
    area = AREA_CODES.get(region_code[:4], "0731")
    digits = 8 if area == "0731" else 7
    first = rng.choice("2345678")
    return f"{area}-{first}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"


def phone(rng: random.Random, *, region_code: str, landline_share: float = 0.35) -> str:
    """Mostly mobiles, sometimes the office landline."""
    if rng.random() < landline_share:
        return landline(rng, region_code=region_code)
    return mobile(rng)
