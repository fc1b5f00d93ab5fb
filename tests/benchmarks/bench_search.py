"""Search-key benchmark: building keys for 15,000 site names and filtering per keystroke.

Run: python tests/benchmarks/bench_search.py [--sites N] [--repeat R]

Each figure is printed beside a floor measured in the same run:
- building keys: floor = a bare per-character dict lookup (full pinyin + initials) with the
  dict prepared beforehand; baseline = calling pypinyin.lazy_pinyin on each name.
- filtering: floor = `[i for i, k in enumerate(keys) if q in k]` over the same keys.
Times are medians of the repeats. Compare ratios, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pypinyin import Style, lazy_pinyin, pinyin

from bqw_desktop.domain import search_keys
from bqw_desktop.domain.divisions import load_divisions
from bqw_desktop.domain.search_keys import SearchIndex, build_keys

# Characters common in township, village and community names.
PLACE_CHARS = (
    "新东西南北中上下大小王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董潘袁蔡蒋余杜叶程魏苏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹"
    "雷侯龙史陶黎贺顾毛龚邵万严覃武戴莫向汤山河水湖溪塘坪冲湾桥岭峰坡洲港口田园林竹松"
    "桃花泉安宁平和兴隆福寿康乐丰盛华光明阳青凤银玉星沙长沅湘云霞茶枫柏杉岗堡屯庄铺"
    "集场坝重朝乐"
)
TOWN_SUFFIX = ["镇", "乡", "街道"]
ORGS = [
    ("{town}{v}村", "党总支"),
    ("{town}{v}村", "党支部"),
    ("{town}{v}社区", "党委"),
    ("{town}{v}社区", "党支部"),
    ("{town}", "党委"),
    ("{county}第{n}中学", "党委"),
    ("{county}{v}小学", "党支部"),
    ("{county}人民医院", "党委"),
    ("{county}{v}卫生院", "党支部"),
    ("{county}{v}有限公司", "党委"),
    ("{county}{v}农业科技有限公司", "党支部"),
    ("{county}{v}协会", "党支部"),
    ("{county}财政局", "机关党支部"),
]
NUMERALS = "一二三四五六七八九十"

QUERIES = ["xsjd", "星沙街道", "changsha", "长沙 党委", "hnzx"]


def realistic_names(count: int, *, seed: int = 2011) -> list[str]:
    """`count` site names: county + township/village or unit + party organization."""
    rnd = random.Random(seed)
    counties = [d for d in load_divisions() if d.level == "county"]
    hunan = [d for d in counties if d.code.startswith("43")]
    names: list[str] = []
    while len(names) < count:
        # Most sites of one office lie in one province; a few come from elsewhere.
        county = rnd.choice(hunan if rnd.random() < 0.9 else counties).name
        town = "".join(rnd.choices(PLACE_CHARS, k=2)) + rnd.choice(TOWN_SUFFIX)
        village = "".join(rnd.choices(PLACE_CHARS, k=rnd.choice([2, 2, 3])))
        pattern, suffix = rnd.choice(ORGS)
        unit = pattern.format(county=county, town=town, v=village, n=rnd.choice(NUMERALS))
        names.append(county + unit + suffix if not unit.startswith(county) else unit + suffix)
    names[rnd.randrange(count)] = "长沙县星沙街道党工委"  # the name the queries look for
    return names


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def clear_caches() -> None:
    search_keys._segment_readings.cache_clear()
    search_keys._text_parts.cache_clear()


def char_floor_builder(names: list[str]) -> Callable[[], list[str]]:
    """A builder doing only per-character dict lookups (no phrases): the build floor."""
    chars = {c for name in names for c in name}
    table = {c: pinyin(c, style=Style.NORMAL)[0][0] for c in chars}

    def build() -> list[str]:
        out = []
        for name in names:
            syllables = [table[c] for c in name]
            full = "".join(syllables)
            out.append(f"{name}\x1f{full}\x1f{''.join(s[0] for s in syllables)}")
        return out

    return build


def bench_build(names: list[str], repeat: int) -> list[str]:
    def ours() -> list[str]:
        clear_caches()  # every repeat starts cold, as a fresh process importing a file would
        return build_keys(names)

    keys = ours()
    t_ours = median_time(ours, repeat)
    t_floor = median_time(char_floor_builder(names), repeat)
    t_naive = median_time(lambda: [lazy_pinyin(n) for n in names], max(1, repeat // 2))
    print(f"build keys, {len(names):,} names (cold caches)")
    print(f"  ours (pypinyin per cached segment): {t_ours * 1000:8.1f} ms")
    print(f"  floor (bare per-character dict):    {t_floor * 1000:8.1f} ms   ratio {t_ours / t_floor:4.1f}x")
    print(f"  baseline (lazy_pinyin per name):    {t_naive * 1000:8.1f} ms   (full pinyin only, no initials)")
    print(
        f"  key length: mean {statistics.mean(map(len, keys)):.0f} chars;"
        f" {sum(k.count(chr(31)) >= 3 for k in keys) / len(keys):.0%} carry alternative initials"
    )
    return keys


def time_fresh_and_floor(keys: list[str], query: str, repeat: int) -> tuple[int, float, float]:
    """Matches, time of a full `filter` scan, and time of the bare scan for the last term."""
    index = SearchIndex(keys)

    def fresh() -> list[int]:
        index._last_terms = []  # forget the previous query: a full scan every time
        return index.filter(query)

    term = search_keys.normalise(query).split()[-1]

    def floor() -> list[int]:
        return [i for i, k in enumerate(keys) if term in k]

    return len(fresh()), median_time(fresh, repeat), median_time(floor, repeat)


def bench_filter(keys: list[str], repeat: int) -> None:
    print(f"\nfilter per keystroke over {len(keys):,} keys (median of {repeat})")
    print(f"  {'query so far':<14}{'matches':>8}{'typing':>11}{'fresh':>11}{'floor':>11}")
    worst_typing = worst_fresh = worst_floor = 0.0
    for query in QUERIES:
        index = SearchIndex(keys)
        prefixes = [query[: n + 1] for n in range(len(query))]
        typing_times: dict[str, list[float]] = {p: [] for p in prefixes}
        for _ in range(repeat):
            index.filter("")  # a cleared box
            for prefix in prefixes:
                start = time.perf_counter()
                index.filter(prefix)
                typing_times[prefix].append(time.perf_counter() - start)
        for prefix in prefixes:
            hits, t_fresh, t_floor = time_fresh_and_floor(keys, prefix, repeat)
            t_typing = statistics.median(typing_times[prefix])
            worst_typing = max(worst_typing, t_typing)
            worst_fresh = max(worst_fresh, t_fresh)
            worst_floor = max(worst_floor, t_floor)
            print(
                f"  {prefix!r:<14}{hits:>8}{t_typing * 1000:>9.2f}ms"
                f"{t_fresh * 1000:>9.2f}ms{t_floor * 1000:>9.2f}ms"
            )
    print(
        f"  worst keystroke: typing {worst_typing * 1000:.2f} ms, fresh scan"
        f" {worst_fresh * 1000:.2f} ms, floor {worst_floor * 1000:.2f} ms (target < 20 ms)"
    )
    print(
        "  typing = the index narrowing from the previous keystroke; fresh = a full scan;"
        " floor = one bare `q in k` scan (last term only)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=15_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    names = realistic_names(args.sites)
    print("sample names:", "、".join(names[:4]))
    keys = bench_build(names, args.repeat)
    bench_filter(keys, args.repeat)


if __name__ == "__main__":
    main()
