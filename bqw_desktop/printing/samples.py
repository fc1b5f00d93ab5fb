"""Specimen data for each document: print previews in settings, tests and benchmarks.

Names and places are made up in the style of Hunan's register; some include characters that
GB2312 fonts lack (堃, 喆, 玥, 犇, 垚) on purpose.
"""

from __future__ import annotations

import hashlib
from datetime import date

from bqw_desktop.domain.certificate_text import ParsedCertificate
from bqw_desktop.domain.vocab import Level, Tier
from bqw_desktop.printing.data import (
    Attachment,
    AwardData,
    CandidacyHistory,
    ChecklistItem,
    DossierData,
    HistoryStep,
    LedgerEntry,
    ListColumn,
    ListData,
    NominationData,
    RectificationItem,
    SiteParticulars,
    VisitData,
    awarding_body,
    default_opinion_boxes,
)

__all__ = [
    "sample_award",
    "sample_dossier",
    "sample_list",
    "sample_nomination",
    "sample_particulars",
    "sample_visit",
]

_ACHIEVEMENT_PARAS = (
    (
        "近年来，神仙坳社区党委坚持以创先争优活动为载体，紧紧围绕“服务居民群众、构建文明和谐社区”的目标，"
        "全面推行党员设岗定责、依岗承诺、志愿服务和结对帮扶，社区各项工作走在全市前列。"
    ),
    (
        "一是发展规划科学。社区共驻共建机制形成并发挥作用好，辖区十二家驻区单位与社区签订共建协议，"
        "共同出资改造老旧小区三个，新建居民活动中心一处，居民参与社区建设的积极性明显提高。"
    ),
    (
        "二是社会管理创新。建立“网格化管理、组团式服务”工作机制，将社区划分为八个网格，每个网格配备一名党员网格长，"
        "矛盾纠纷排查调处做到小事不出网格、大事不出社区，连续三年无一起群体性事件和刑事案件。"
    ),
    (
        "三是服务质量提高。社区服务中心实行“一站式”服务和全程代理，就业、医疗、低保、救助等公共服务全部落实到位，"
        "帮助二百一十三名下岗失业人员实现再就业，困难群众得到及时救助，群众满意率达到百分之九十八以上。"
    ),
    (
        "四是班子团结务实。社区党委班子成员分工明确、团结协作，坚持“四议两公开”，党务、居务全部公开，"
        "党员志愿服务队常年开展活动，涌现出刘堃、王喆、李玥、张犇、陈垚等一批先进典型。"
    ),
)


def sample_particulars(name: str = "中共浏阳市集里街道神仙坳社区委员会") -> SiteParticulars:
    return SiteParticulars(
        name=name,
        org_type="community",
        region="长沙市浏阳市集里街道",
        secretary="刘堃",
        members=86,
        contact="王喆",
        phone="0731-83612345",
        parent_org="中共浏阳市集里街道工作委员会",
        address="浏阳市集里街道神仙坳路 18 号",
        code="430181-0007",
    )


def sample_nomination(
    *, paragraphs: int = 5, level: str = Level.PROVINCE, route: str = Tier.COUNTY
) -> NominationData:
    """A nomination whose achievements repeat the specimen paragraphs `paragraphs` times in all."""
    paras = [_ACHIEVEMENT_PARAS[i % len(_ACHIEVEMENT_PARAS)] for i in range(paragraphs)]
    return NominationData(
        level=level,
        particulars=sample_particulars(),
        achievements="\n".join(paras),
        measures=(
            "一是强化组织领导，成立由党委书记任组长的创建工作领导小组，制定创建实施方案，明确时间表和责任人。\n"
            "二是完善工作机制，落实党员联系户、居民议事会和党务居务公开制度，每季度召开一次创建工作推进会。\n"
            "三是加强督查考核，街道党工委明确一名副书记具体联系，选派联络员定期到点指导督查，经费上给予支持。"
        ),
        opinions=default_opinion_boxes(level, route),
        nominating_office="中共浏阳市委组织部",
        remarks="",
    )


def _sample_signature(number: str) -> bytes:
    """64 bytes standing in for an Ed25519 signature: same length, so the QR code is too."""
    return hashlib.sha512(number.encode()).digest()


def sample_award(serial: int = 1, *, level: str = Level.PROVINCE, name: str | None = None) -> AwardData:
    site = name or "中共浏阳市集里街道神仙坳社区委员会"
    number = f"HN43-2012-{serial:04d}"
    body = awarding_body("湖南省")
    award_date = date(2012, 6, 28)
    return AwardData(
        certificate_no=number,
        level=level,
        site_full_name=site,
        awarding_body=body,
        award_date=award_date,
        qr_text=ParsedCertificate(number, site, level, award_date, "430000", _sample_signature(number)).text(),
    )


def sample_visit() -> VisitData:
    return VisitData(
        site_name="中共浏阳市集里街道神仙坳社区委员会",
        region="长沙市浏阳市",
        visit_date=date(2011, 11, 16),
        inspectors="李玥（浏阳市委组织部）、张犇（集里街道党工委）",
        liaison_officer="陈垚",
        findings=(
            "督查组通过听取汇报、查阅台账、走访居民等方式，对神仙坳社区示范点创建工作进行了实地督查。"
            "社区党委高度重视创建工作，创建方案具体，台账资料基本齐全，网格化管理成效明显，居民反映良好。"
            "但也存在党员志愿服务记录不够规范、部分创建措施落实进度滞后等问题。"
        ),
        rectifications=(
            RectificationItem(
                "党员志愿服务记录不规范，部分活动无签到和照片。",
                "统一制发志愿服务记录本，每次活动留存签到表和图片。",
                date(2011, 12, 31),
                "整改中",
            ),
            RectificationItem(
                "老旧小区改造第三期进度滞后。",
                "与驻区单位协调资金，倒排工期，每周报告进度。",
                date(2012, 3, 31),
                "整改中",
            ),
            RectificationItem(
                "党务公开栏内容更新不及时。", "明确专人负责，每月更新一次。", date(2011, 11, 30), "已整改"
            ),
        ),
    )


def sample_dossier() -> DossierData:
    visit = sample_visit()
    return DossierData(
        particulars=sample_particulars(),
        level_status="创先争优活动省级示范点（二〇一二年六月授牌）",
        produced_by="中共浏阳市委组织部",
        produced_on=date(2012, 7, 10),
        checklist=(
            ChecklistItem(
                "（1）",
                "发展规划科学，社区共驻共建机制形成并发挥作用好，居民参与社区建设积极性高，就业、医疗、低保、救助等公共服务工作得到落实，各项工作任务完成好",
                "达标",
            ),
            ChecklistItem(
                "（2）",
                "加强和创新社区管理，社区治安防范体系和矛盾预防、调处机制健全并发挥作用好，流动人口和特殊人群管理服务到位",
                "达标",
            ),
            ChecklistItem(
                "（3）",
                "社区服务中心作用发挥好，服务质量明显提高，困难群众得到救助，下岗、失业人员再就业充分",
                "基本达标",
                "再就业率待复核",
            ),
            ChecklistItem(
                "（4）",
                "领导班子团结务实廉洁，善于做群众工作，实现“四有一化”，党务公开规范，创先争优活动开展扎实",
                "达标",
            ),
        ),
        candidacies=(
            CandidacyHistory(
                Level.CITY,
                "2011—2012 年度",
                "已授牌",
                (
                    HistoryStep(date(2011, 5, 12), "所在党组织申报"),
                    HistoryStep(date(2011, 5, 20), "浏阳市委组织部推荐"),
                    HistoryStep(date(2011, 5, 28), "长沙市委组织部审定为市级示范点创建单位"),
                    HistoryStep(date(2012, 6, 20), "考核合格，授予市级示范点牌匾"),
                ),
            ),
            CandidacyHistory(
                Level.PROVINCE,
                "2011—2012 年度",
                "已授牌",
                (
                    HistoryStep(date(2011, 5, 25), "长沙市委组织部推荐"),
                    HistoryStep(date(2011, 5, 30), "省委组织部遴选确定为省级示范点创建单位"),
                    HistoryStep(date(2012, 6, 28), "考核合格，授予“创先争优活动省级示范点”牌匾"),
                ),
            ),
        ),
        visits=(visit,),
        ledger=(
            LedgerEntry(
                date(2011, 6, 8), "召开创建工作动员会", "社区党委全体委员、网格长及驻区单位代表共 46 人参加。"
            ),
            LedgerEntry(date(2011, 9, 15), "老旧小区改造第一期完工", "改造楼栋 12 栋，惠及居民 380 户。"),
            LedgerEntry(date(2012, 1, 10), "年度创建工作总结", "形成书面总结报街道党工委。"),
        ),
        attachments=(
            Attachment("创建工作实施方案.docx", "文档", 48_213, date(2011, 6, 1)),
            Attachment("动员会现场照片.jpg", "图片", 1_532_004, date(2011, 6, 8)),
            Attachment("督查反馈意见.pdf", "文档", 210_944, date(2011, 11, 20)),
        ),
    )


_TOWNS = ("集里街道", "淮川街道", "荷花街道", "关口街道", "沙市镇", "永安镇", "大瑶镇", "官渡镇")
_KINDS = ("社区委员会", "村总支部委员会", "村支部委员会", "中心小学支部委员会")
_SECRETARIES = ("刘堃", "王喆", "李玥", "张犇", "陈垚", "赵建国", "孙丽华", "周志强")


def sample_list(rows: int = 120) -> ListData:
    """A register list of `rows` approved creation units (names repeat with a serial)."""
    data = []
    for i in range(rows):
        town = _TOWNS[i % len(_TOWNS)]
        name = f"中共浏阳市{town}第{i + 1}{_KINDS[i % len(_KINDS)]}"
        data.append(
            (
                name,
                town,
                ("社区党组织", "村党组织", "村党组织", "学校党组织")[i % 4],
                _SECRETARIES[i % len(_SECRETARIES)],
                str(20 + (i * 37) % 180),
            )
        )
    return ListData(
        title="创先争优活动省级示范点创建单位名单",
        subtitle="（长沙市浏阳市　截至二〇一一年五月三十日）",
        columns=(
            ListColumn("单位名称", 3.2),
            ListColumn("乡镇（街道）", 1.2, "center"),
            ListColumn("组织类型", 1.2, "center"),
            ListColumn("书记", 0.8, "center"),
            ListColumn("党员数", 0.7, "right"),
        ),
        rows=data,
        totals=f"合计：创建单位 {rows} 个",
        office="中共浏阳市委组织部",
        produced_on=date(2011, 6, 2),
    )
