"""Synthetic complaints for demo and benchmark databases.

One deterministic generator (`DemoGenerator`: the same seed, "now" and dictionaries give the same
cases) plans each complaint — complainant, patient, narrative, 诉求, channel, severity, category and
every step of its life (受理, 转办, 签收, 反馈, 拟稿, 审批, 答复, 回访, 销项, holds, extensions, 保密,
合并, 不予受理, 再处理, external routes, 归档) with the moment it happens. Cases received over the last
two years are mostly closed; those of the last weeks are spread over every board state, some overdue
or nearly due, some on hold, with pending or approved extensions. Two ways write the plans:

* Service path (`fill_with_services`; `fill_demo_cases` uses it up to SERVICE_PATH_MAX = 2,000
  cases: `complaintdesk demo` with few cases, the GUI's demo database): every step is a call of the
  real service with `app.clock` set to the step's moment, all cases' steps in time order. Timelines,
  audit entries, numbers, deadlines and the search index are exactly what the application writes.
  About 70 ms a case (peewee builds the SQL of some twenty statements per step).
* Bulk path (`fill_bulk`; above 2,000 cases, e.g. the 200,000-case benchmark database; local
  SQLCipher databases only): the same plans are replayed in memory by `_Replay`, which mirrors the
  services' effects (case fields, due dates, assignments, follow-ups, extensions, external routes,
  保密 access, links, attachments and the timeline in the services' wording), and inserted in one
  transaction per 2,000 cases with prepared executemany statements (peewee's insert_many spends most
  of its time building SQL text), together with the case counters and the FTS rows. Due dates come
  from `WorkdayTable`, a precomputed date → working-day table of this database's calendar. Above
  20,000 cases a second process plans and replays while this one writes. Not written per step:
  audit entries (one `demo.generated` entry records the fill). The test suite checks that both
  paths write the same rows for the same plans.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import mimetypes
import multiprocessing
import random
import struct
import traceback
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import peewee

from app import audit, auth, clock, dictionaries, settings
from app.cases import intake, overlays, routing, transitions
from app.cases.category_tree import CategoryLeaf, category_leaves
from app.cases.intake import IntakeForm
from app.cases.states import (
    CLOSE_KINDS,
    FOLLOWUP_METHODS,
    REPLY_METHODS,
    AssignmentState,
    State,
)
from app.deadlines import calendar
from app.deadlines.rules import DeadlineRules, OfficeHours
from app.deadlines.workdays import WorkCalendar
from app.policy import registers_as_night_duty
from app.session import Session
from app.validation import CHANNELS, FINDINGS, RELATIONS, SATISFACTIONS, TRANSFER_SOURCES, id_check_digit
from models.accounts import User
from models.cases import (
    Assignment,
    Attachment,
    Case,
    CaseAccess,
    CaseCounter,
    CaseEvent,
    CaseLink,
    Category,
    Complainant,
    Extension,
    ExternalRoute,
    FollowUp,
)
from models.database import database_proxy
from models.fields import current_cipher
from models.organisation import Department
from models.search_index import char_row, insert_rows_sql, is_sqlite

SERVICE_PATH_MAX = 2000
DEFAULT_SEED = 20240601
HISTORY_DAYS = 730
RECENT_DAYS = 30

Progress = Callable[[int, int], None]

# ============================================================================ template engine
#
# "{slot}" is replaced by the case's value for that slot; "[a|b|c]" picks one alternative (which
# may itself hold slots and alternatives). Each template thus yields many different sentences.


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str


_Part = str | _Slot | tuple  # tuple: alternatives, each a tuple of parts


def _parse(text: str, pos: int = 0, stops: str = "") -> tuple[tuple[_Part, ...], int]:
    parts: list[_Part] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            parts.append("".join(literal))
            literal.clear()

    while pos < len(text) and text[pos] not in stops:
        char = text[pos]
        if char == "{":
            end = text.index("}", pos)
            flush()
            parts.append(_Slot(text[pos + 1 : end]))
            pos = end + 1
        elif char == "[":
            flush()
            alternatives = []
            pos += 1
            while True:
                seq, pos = _parse(text, pos, "|]")
                alternatives.append(seq)
                pos += 1
                if text[pos - 1] == "]":
                    break
            parts.append(tuple(alternatives))
        else:
            literal.append(char)
            pos += 1
    flush()
    return tuple(parts), pos


class Template:
    """A sentence pattern with slots and alternatives (see above). A leading "@" marks a sentence
    in which the complainant accompanies the patient ("{we}陪{who}…"): not for complaints about
    oneself."""

    __slots__ = ("companion", "parts", "text")

    def __init__(self, text: str) -> None:
        self.companion = text.startswith("@")
        self.text = text.removeprefix("@")
        self.parts, end = _parse(self.text)
        if end != len(self.text):
            raise ValueError(f"unbalanced template: {text!r}")

    def slots(self) -> set[str]:
        found: set[str] = set()

        def walk(parts: tuple[_Part, ...]) -> None:
            for part in parts:
                if isinstance(part, _Slot):
                    found.add(part.name)
                elif isinstance(part, tuple):
                    for alternative in part:
                        walk(alternative)

        walk(self.parts)
        return found

    def render(self, rng: random.Random, slots: Mapping[str, str]) -> str:
        return _render(self.parts, rng, slots)


def _render(parts: tuple[_Part, ...], rng: random.Random, slots: Mapping[str, str]) -> str:
    out = []
    for part in parts:
        if type(part) is str:
            out.append(part)
        elif type(part) is _Slot:
            out.append(slots[part.name])
        else:
            out.append(_render(part[int(rng.random() * len(part))], rng, slots))
    return "".join(out)


def _templates(*texts: str) -> tuple[Template, ...]:
    return tuple(Template(t) for t in texts)


# ============================================================================ narratives
#
# Slots: who (the patient, seen from the narrator), we (the complainant side), c (complainant name),
# p (patient name), dept (visit department), tech_dept, ward, window, date, time_phrase, doctor,
# nurse, exam, imaging, surgery, drug, symptom, dx_wrong, dx_right, other_hospital, amount,
# amount_small, days, n, age, province.

LEAF_TEMPLATES: dict[str, tuple[Template, ...]] = {
    name: _templates(*texts)
    for name, texts in {
        # 医疗质量
        "误诊漏诊": (
            "{who}因{symptom}于{date}到{dept}就诊，{doctor}[诊断为“{dx_wrong}”|仅按“{dx_wrong}”处理]，开了药让回家观察。"
            "[三|两|五]天后症状明显加重，到{other_hospital}就诊确诊为“{dx_right}”，{we}认为{doctor}存在误诊，延误了治疗。",
            "{date}{who}[反复|持续]{symptom}来院，{dept}医生只开了[止痛药|消炎药]，没有安排{exam}。"
            "后来在{other_hospital}检查发现是“{dx_right}”，{we}质疑接诊医生[责任心不强|检查不全面]。",
        ),
        "诊断延误": (
            "{who}{date}因{symptom}入住{dept}，[连续几天|住院一周]只做了常规检查，迟迟不能明确诊断，"
            "直到病情加重后才安排{exam}，最终确诊为“{dx_right}”。{we}认为科室[拖延检查|诊断不及时]，耽误了最佳治疗时机。",
        ),
        "检验结果差错": (
            "{who}{date}在我院抽血化验，报告显示[血糖|血钾|肌酐|血红蛋白]明显异常，{we}[十分紧张|连夜四处咨询]，"
            "隔天到外院复查结果完全正常。回我院复查也正常，检验科解释可能是标本[溶血|放置时间过长]，{we}对检验质量表示强烈质疑。",
        ),
        "影像报告差错": (
            "{who}{date}在我院做{imaging}检查，报告[把左右侧写反了|漏报了病灶|把患者姓名写错了]，"
            "{doctor}根据这份报告[准备安排手术|给出了治疗方案]，幸亏{we}到外院复查才发现问题。",
        ),
        "病理报告差错": (
            "{who}{date}在我院行{surgery}，术后病理报告[拖了二十多天才出|结论前后不一致]，先说是[良性|炎症]，"
            "后又改为[可疑恶性|恶性]，{we}对病理诊断的准确性表示怀疑。",
        ),
        "治疗效果不满意": (
            "{who}在{dept}住院治疗{days}天，花费{amount}元，[病情没有明显好转|出院后症状反复]，"
            "{we}认为治疗方案有问题，[医生没有及时调整用药|没有根据病情变化调整方案]。",
            "{who}在{dept}门诊连续就诊[四|五|六]次，{symptom}一直没有缓解，每次医生都只是换一种药，{we}对治疗效果很不满意。",
        ),
        "手术并发症或手术效果": (
            "{who}{date}在{dept}行{surgery}，术后出现[切口感染|大出血|神经损伤|肠瘘]，[不得不二次手术|转入重症医学科治疗]，"
            "{we}认为手术存在操作失误，术前[也没有充分告知|对风险轻描淡写]。",
        ),
        "用药不当": (
            "{who}在{dept}就诊，{doctor}开具{drug}，[用药剂量明显偏大|没有询问过敏史]，服药后出现[皮疹|呕吐|心慌胸闷|头晕乏力]，"
            "{we}认为医生用药不当。",
        ),
        "抢救不及时": (
            "{date}{time_phrase}{who}因[突发胸痛|呼吸困难|意识不清|车祸外伤]被送到急诊，[等了四十多分钟|很长时间]才有医生处理，"
            "期间家属多次求助无人理会，{we}认为抢救不及时，[导致病情恶化|险些危及生命]。",
        ),
        "未履行告知或知情同意": (
            "{who}在{dept}[做{exam}|行{surgery}]前，医生没有讲清楚[风险和费用|其他可选方案]，[家属签字时|术前谈话]只是匆匆让签字，"
            "出了问题才知道有这样的风险，{we}认为医院没有履行告知义务。",
        ),
        "首诊负责不落实或推诿患者": (
            "{who}{date}到{dept}就诊，医生说不归本科室管，让去[另一个科室|别的医院]，[来回跑了三个科室|在几个诊室之间被推来推去]，"
            "最后也没有人接诊，{we}认为医院推诿患者。",
        ),
        "会诊转科不及时": (
            "{who}住院期间出现[心律失常|血糖异常|肺部感染]，{we}多次要求请相关科室会诊，[拖了两天|直到第三天]才有医生来看，"
            "[转科也一拖再拖|会诊意见迟迟没有执行]。",
        ),
        "病历书写不规范": (
            "{who}复印病历后发现，[病程记录与实际情况不符|多处时间前后矛盾|有明显涂改痕迹]，怀疑病历被事后修改过。",
            "@{we}复印{who}的病历后发现，[病程记录与实际情况不符|多处时间前后矛盾|有明显涂改痕迹|手术记录内容雷同]，"
            "{we}怀疑病历被事后修改过。",
        ),
        "医疗损害争议": (
            "{who}{date}在{dept}[手术|治疗]后出现[严重后遗症|偏瘫|多器官功能衰竭]，{we}认为医院在诊疗过程中存在过错，"
            "要求[封存病历|进行医疗损害鉴定]。",
        ),
        "患者身份或手术部位识别错误": (
            "{who}{date}在{dept}[输液|检查|做术前准备]时，护士[叫错了名字|拿错了药|贴错了腕带]，差点[用错药|弄错手术部位]，"
            "{we}对此后怕不已，认为医院的查对制度形同虚设。",
        ),
        # 护理质量
        "穿刺注射技术不佳": (
            "{who}在{dept}输液，{nurse}[扎了四五针才扎上|反复穿刺多次失败]，[手背都肿了|孩子哭闹不止]，"
            "护士还说是血管不好，{we}对其技术水平和态度都很不满。",
        ),
        "护理操作差错": (
            "{who}住院期间，护士[把别的病人的药挂给了{who}|输液速度调得过快|没有按医嘱按时给药]，"
            "[发现后也没有及时告诉家属|事后还想隐瞒]，{we}非常气愤。",
        ),
        "跌倒坠床或压力性损伤": (
            "{who}住院期间[夜间下床时跌倒|从病床上摔下|骶尾部出现压疮]，[床栏没有拉起|护士没有按时协助翻身]，"
            "{we}认为是护理不到位造成的，现在[伤情加重|需要额外治疗]。",
        ),
        "巡视观察不及时": (
            "{who}{date}晚在{ward}住院，[输液瓶空了|引流管脱落|出现高热]，家属到护士站叫人[半个小时|很久]也没有人来，"
            "{we}认为夜班护士巡视不到位。",
        ),
        "呼叫响应不及时": (
            "{who}住院期间多次按呼叫铃，[十几分钟|很长时间]才有护士过来，有一次[输液回血|血压突然升高]也是家属跑去护士站才叫来人。",
        ),
        "健康宣教不到位": (
            "{who}出院时护士没有交代[伤口护理方法|服药方法|复查时间]，回家后[伤口感染|用药出错]又来就诊，{we}认为护理宣教不到位。",
        ),
        # 服务态度
        "门诊医生态度生硬": (
            "{who}{date}在{dept}门诊就诊，{doctor}[看病不到两分钟|不等把话说完]就开检查单，{we}多问了几句，"
            "医生[不耐烦地说“看不懂就别问”|直接让下一个病人进来]，态度十分生硬。",
            "@{date}{time_phrase}{we}带{who}到{dept}复诊，{doctor}[一直低头看电脑|头也不抬]，问什么都是“嗯”“啊”，"
            "[最后还把病历本扔了过来|说“你到底看不看”]，让人心寒。",
        ),
        "住院医生态度生硬": (
            "{who}在{ward}住院期间，{we}向管床医生询问病情，{doctor}[爱理不理|语气很冲]，还说“[有意见你去投诉|我们很忙]”，"
            "家属心里十分难受。",
        ),
        "沟通解释不充分": (
            "{who}在{dept}就诊，{doctor}[对检查结果|对治疗方案|对手术风险]解释得很简单，{we}多次询问也说不清楚，"
            "[只让家属自己上网查|说“回去慢慢看”]。",
        ),
        "护士态度生硬": (
            "{date}{who}在{ward}住院，{we}请{nurse}帮忙[换药|调整输液速度|更换床单]，护士[大声呵斥|不耐烦地说“等着”|态度冷漠]，"
            "让家属难以接受。",
        ),
        "医技人员态度生硬": (
            "{who}在{tech_dept}做{exam}时，工作人员[态度粗暴|大声催促|嫌老人动作慢]，[还推了患者一把|说话非常难听]。",
        ),
        "收费挂号窗口态度生硬": (
            "{date}{we}在{window}[缴费|挂号|办理出院结算]，因为[对费用有疑问|不会使用医保电子凭证]多问了几句，"
            "窗口工作人员[很不耐烦|把单据扔了出来]，态度恶劣。",
        ),
        "导诊客服人员态度生硬": (
            "{we}在门诊大厅向导诊人员询问[{dept}在几楼|怎么打印报告]，对方[头也不抬|说“自己看指示牌”]，"
            "[打客服电话|在线咨询]也是[敷衍了事|无人回应]。",
        ),
        "保安保洁人员态度生硬": (
            "{date}{we}[推着轮椅|拄着拐杖|提着住院用品]进入住院部，保安[态度蛮横|大声呵斥]不让进，[解释半天也不听|还和家属发生推搡]。",
        ),
        # 医疗费用
        "重复收费或多收费": (
            "{who}在{dept}[住院|就诊]，费用清单中[{exam}收了两次|有没有做过的项目|护理费多算了{n}天]，"
            "{we}核对后发现多收了{amount_small}元。",
        ),
        "收费标准疑问": (
            "{who}在我院做{exam}，收费{amount}元，{we}了解到[其他医院同类检查只要一半|物价标准没有这么高]，"
            "对收费标准有疑问，要求医院说明依据。",
        ),
        "费用清单不清": (
            "{who}出院结算时，费用清单[项目名称都是代码看不懂|只有总价没有明细]，{we}到收费处要求解释，工作人员[说不清楚|让去找科室]。",
        ),
        "退费困难或退费慢": (
            "{who}{date}因[检查取消|药品未使用|预交金有余额]申请退费{amount_small}元，[跑了三次|等了一个多月]仍未退回，"
            "[各窗口相互推诿|每次都说还在审批]。",
        ),
        "过度检查或治疗": (
            "{who}因[普通感冒|轻微外伤|体检复查]到{dept}就诊，医生一次开了[七八项检查|CT和核磁共振|大量输液]，花费{amount}元，"
            "{we}认为属于过度检查、过度治疗。",
        ),
        # 医德医风
        "收受红包或回扣": (
            "{we}反映{dept}{doctor}在{who}[手术前|住院期间][暗示|索要]红包，{we}[给了{amount_small}元|没有给]之后，"
            "[医生态度明显变了|手术被一再推迟]。",
        ),
        "推销药品器械或指定外购": (
            "{doctor}在{dept}门诊时让{who}到院外[药店|指定的店]购买[{drug}|保健品|进口耗材]，说医院没有，{we}怀疑医生有利益关系。",
        ),
        "脱岗迟到早退": (
            "{date}{time_phrase}{we}在{dept}[诊室|护士站]等候，[医生迟迟没有到岗|值班医生不在岗]，[打电话也联系不上|等了一个多小时]，"
            "耽误了{who}的治疗。",
        ),
        "诊疗时间做与工作无关的事": (
            "{who}在{dept}就诊时，{doctor}[一边看诊一边玩手机|在诊室里打电话聊私事|在吃东西]，对病人的问题[心不在焉|敷衍应付]。",
        ),
        # 就医环境
        "病房或卫生间不洁": (
            "{who}住在{ward}，病房[卫生间有异味|地面有血迹|垃圾没人及时清理]，[床单几天不换|开水间脏乱]，{we}向护士反映后也没有改善。",
        ),
        "环境嘈杂": (
            "{ward}[夜里陪护人员大声喧哗|走廊加床太多|装修施工噪音很大]，{who}连续几晚无法休息，{we}反映多次没有人管。",
        ),
        "排队等候时间长": (
            "{date}{who}到{dept}就诊，[挂号、看病、缴费、取药|抽血、做检查]每一步都要排长队，前后等了[三个多小时|大半天]，"
            "[身体实在吃不消|中午饭都没吃上]。",
            "@{date}{we}陪{who}到{dept}就诊，[挂号、看病、缴费、取药|抽血、做检查]每一步都要排长队，"
            "[预约的时间|叫号]过了[一个多小时|两个小时]还没轮到，{who}[身体不适|年纪大]受不了。",
        ),
        "标识指引不清": (
            "医院[门诊楼|新住院楼]标识不清楚，{who}找[{tech_dept}|{dept}]找了很久，问工作人员也说不清楚，走了很多冤枉路。",
            "@医院[门诊楼|新住院楼]标识不清楚，{we}带着{who}找[{tech_dept}|{dept}]找了很久，问工作人员也说不清楚，走了很多冤枉路。",
        ),
        "停车难或停车收费": (
            "{date}{who}开车来医院就诊，[排队进停车场等了四十多分钟|停车收费标准不清楚]，"
            "[出场时被收了{amount_small}元|保安指挥混乱]，{we}认为医院停车管理有问题。",
            "@{date}{we}开车送{who}到医院，[排队进停车场等了四十多分钟|停车收费标准不清楚]，[出场时被收了{amount_small}元|保安指挥混乱]，"
            "{we}认为医院停车管理有问题。",
        ),
        # 后勤保障
        "水电空调故障": (
            "{ward}[空调坏了好几天|热水供应不正常|夜间突然停电]，[病房闷热难耐|无法洗漱]，{we}报修后[一直没有人来修|维修人员说没有配件]。",
        ),
        "电梯故障": (
            "{date}住院部电梯[突然停运|长时间等不到]，{who}[行动不便只能走楼梯|在电梯口等了很久]，对后勤管理非常不满。",
            "@{date}住院部电梯[突然停运|把人困在里面二十多分钟|长时间等不到]，{we}推着{who}[只能走楼梯|在电梯口等了很久]，对后勤管理非常不满。",
        ),
        "医疗设备故障影响诊疗": (
            "{who}预约{date}在{tech_dept}做{exam}，到了才被告知[设备故障|机器正在维修]，[白跑一趟|检查被推迟三天]，事先没有任何通知。",
        ),
        "膳食订餐": (
            "{who}住院期间订的[营养餐|糖尿病餐]，[饭菜经常是凉的|多次送错餐|发现有异物]，{we}向食堂反映后[没有改进|对方态度也不好]。",
        ),
        "陪护管理": (
            "医院介绍的护工[照顾{who}不尽心|收费标准随意|多次擅自离岗]，{who}[出现了压疮|长时间无人照看]，{we}认为医院对陪护人员管理不到位。",
        ),
        # 医保政策
        "医保报销结算问题": (
            "{who}出院结算时，[部分费用没有按医保报销|报销比例比预期低很多|医保系统故障无法直接结算]，"
            "[需要自费垫付{amount}元|工作人员也解释不清]。",
        ),
        "异地就医备案与结算": (
            "{who}是{province}参保人员，已办理异地就医备案，但在我院[不能直接结算|被告知备案无效]，只能全额自费，{we}认为医院操作有误。",
        ),
        "门诊慢特病待遇": (
            "{who}患有[高血压|糖尿病|慢性肾病]，已办理门诊慢特病，但在{dept}开药时[不能享受待遇|医生说系统里查不到]，每次都要自费。",
        ),
        "自费项目未告知": (
            "{who}在{dept}[住院|做检查]，使用的[进口耗材|部分药品|某些检查项目]属于自费项目，医生事先[没有告知|没有让签知情同意书]，"
            "结算时才发现自费了{amount_small}元。",
        ),
        # 药品耗材
        "药品短缺": (
            "{who}长期在我院{dept}开{drug}，最近[药房一直说缺货|医生说这个药进不来了]，只能到外面药店高价购买。",
        ),
        "发药差错": (
            "{date}{we}在[门诊药房|住院药房]取药，回家后发现[药品规格不对|少发了一盒|拿成了别人的药]，[幸好还没吃|已经服用了一次]，{we}非常担心。",
        ),
        "药品质量或不良反应": (
            "{who}使用我院开具的{drug}后出现[过敏|心慌|肝功能异常]，[药品包装有破损|药片颜色和以前不一样]，{we}怀疑药品质量有问题。",
        ),
        "耗材使用与收费": (
            "{who}在{dept}手术中使用了[吻合器|人工晶体|骨科钢板]，收费{amount}元，{we}认为[事先没有说明为什么要用进口的|耗材费用明显偏高]，要求说明使用依据。",
        ),
        # 安全保卫
        "财物被盗": (
            "{date}{who}在{ward}住院期间，[手机|钱包|现金{amount_small}元]在病房被盗，{we}报告保卫科后，[调监控说看不清|至今没有结果]。",
        ),
        "号贩子或医托": (
            "{we}在门诊大厅被[号贩子|医托]拦住，对方称[能挂到专家号|可以介绍更好的医院]，收了{amount_small}元后[不见了踪影|挂的根本不是专家号]，"
            "医院保安对此视而不见。",
        ),
        "暴力伤医或扰乱秩序": (
            "{date}{time_phrase}在{dept}，有[患者家属|醉酒人员]大声吵闹、[推搡医护人员|摔砸物品]，[保安很久才到|现场秩序混乱]，"
            "{we}在候诊时受到惊吓。",
        ),
        # 预约挂号与信息系统
        "挂号难或号源不足": (
            "{we}连续[一周|好几天]在网上和自助机都挂不上{dept}的[专家号|主任号]，[号一放出来就没了|现场窗口也说没有号]，怀疑号源被号贩子占用。",
        ),
        "停诊改约未通知": (
            "{we}预约了{date}{dept}的专家门诊，[从外地赶来|特意请了假]到医院才知道医生停诊，[没有收到任何短信通知|改约后又被取消]。",
        ),
        "自助机或线上支付故障": (
            "{we}在[自助机|医院公众号]缴费，[扣款成功却显示未缴费|被重复扣款{amount_small}元]，到窗口要求处理，[被要求再交一次|说要等系统对账]。",
        ),
        "报告查询或互联网医院故障": (
            "{we}在[医院公众号|互联网医院]上[查不到{who}的{exam}报告|预约的线上问诊医生一直不回复]，[打客服电话也打不通|多次反映无人处理]。",
        ),
        # 隐私保护
        "个人信息泄露": (
            "{who}在我院{dept}就诊后不久，就接到[推销电话|月子中心的电话|保险公司的电话]，对方[准确说出了就诊信息|知道住院时间]，"
            "{we}怀疑医院泄露了个人信息。",
        ),
        "诊疗时隐私保护不当": (
            "{who}在{dept}[检查|诊疗]时，[诊室门没有关|其他病人随意进出|有实习生围观]，[隐私部位暴露|病情被大声说出]，{who}感到非常难堪。",
        ),
        # 医院感染
        "疑似院内感染": (
            "{who}在{dept}[手术|住院]后出现[切口感染|持续发热|肺部感染]，[住院时间延长了{days}天|又花了{amount}元]，"
            "{we}怀疑是院内感染，认为医院消毒管理不到位。",
        ),
        "消毒隔离不规范": (
            "{we}看到{dept}[护士处置不同病人时没有换手套|治疗车上物品混放|医疗垃圾随意堆放]，担心会交叉感染。",
        ),
        # 病历与证明
        "病历复印或封存": (
            "{who}要求复印住院病历，[病案室说要等出院后一个月|手续繁琐跑了好几次]，认为医院故意刁难。",
            "@{we}要求复印{who}的住院病历，[病案室说要等出院后一个月|手续繁琐跑了好几次|要求封存病历却被拒绝]，{we}认为医院故意刁难。",
        ),
        "诊断证明或医学证明开具": (
            "{who}需要开具[诊断证明|病假证明|出生医学证明]，[医生说不能开|被要求去别的科室盖章|开具的内容与实际不符]，"
            "[来回折腾了好几天|耽误了单位报销]。",
        ),
        # 其他
        "媒体或网络舆情": (
            "[有网友在微博上发帖|短视频平台上有人发布视频]，称{who}在我院{dept}[就诊时被医生辱骂|等候时间过长晕倒|治疗后出现问题]，"
            "[已有较多转发|引发网友议论]，要求医院公开回应。",
        ),
        "其他": (
            "{we}反映[医院周边交通拥堵|门诊楼饮水机太少|轮椅借用押金过高|便民服务中心开放时间短]等问题，希望医院改进。",
        ),
    }.items()
}

# For leaves an administrator added: a sentence per top-level family, then a last resort.
FAMILY_TEMPLATES: dict[str, tuple[Template, ...]] = {
    name: _templates(*texts)
    for name, texts in {
        "医疗质量": (
            "{who}{date}在{dept}就诊，{we}认为医生的[诊断|治疗|处置]存在问题，[病情没有好转|反而加重]。",
        ),
        "护理质量": ("{who}在{ward}住院期间，护士[操作不规范|巡视不及时]，{we}认为护理质量有问题。",),
        "服务态度": ("{date}{we}在{dept}就诊时，工作人员[态度生硬|说话难听|不理不睬]，让人难以接受。",),
        "医疗费用": (
            "{who}在{dept}的费用[明显偏高|有疑问]，{we}要求医院核实{amount_small}元费用的收费依据。",
        ),
        "医德医风": ("{we}反映{dept}{doctor}[工作作风有问题|存在不廉洁行为]，希望医院调查。",),
        "就医环境": (
            "{date}{who}来院就诊，医院[环境卫生差|秩序混乱|流程不合理]，体验很差。",
            "@{date}{we}陪{who}就诊，医院[环境卫生差|秩序混乱|流程不合理]，体验很差。",
        ),
        "后勤保障": ("{ward}的[设施|后勤服务]出现问题，{we}反映后一直没有解决。",),
        "医保政策": ("{who}在我院就诊的医保[结算|报销]出现问题，{we}认为医院没有按政策执行。",),
        "药品耗材": ("{who}在我院使用的[药品|耗材]出现问题，{we}要求医院说明情况。",),
        "安全保卫": ("{date}{we}在医院内遇到[安全|秩序]问题，保卫人员处置不及时。",),
        "预约挂号与信息系统": ("{we}在使用医院[预约挂号|线上服务]时遇到问题，多次反映没有解决。",),
    }.items()
}
GENERIC_TEMPLATES = _templates(
    "{who}{date}在{dept}就诊期间遇到的问题没有得到妥善处理，{we}对此很不满意。",
    "{we}就{who}在我院就诊的经历反映问题，认为医院[管理不到位|服务有欠缺]。",
)

OPENINGS_THIRD: dict[str, tuple[Template, ...]] = {
    "visit": _templates("投诉人{c}来访反映：", "{c}（{rel}）来办公室反映，", "来访者{c}称，"),
    "phone": _templates("投诉人{c}来电反映：", "{c}来电称，", "接{c}来电投诉："),
    "transfer": _templates("{source}转来投诉（编号{ref}），投诉人{c}反映：", "据{source}转办，"),
    "internal": _templates("{src_dept}转来，{c}反映：", "{src_dept}转来投诉："),
    "night_visit": _templates("夜间{c}到总值班室反映：", "{c}夜间来院，向总值班反映："),
    "night_phone": _templates("总值班接{c}来电，称", "夜间接{c}来电反映："),
}
OPENINGS_FIRST: dict[str, tuple[Template, ...]] = {
    "letter": _templates("尊敬的院领导：\n我是{rel_self}{c}，", "医院领导：\n你们好！我是{rel_self}。"),
    "online": _templates("", "医院您好，", "我是{rel_self}，"),
    "email": _templates("您好：\n", "院长您好，我是{rel_self}。"),
}
DETAILS = _templates(
    "当时{who}[疼痛难忍|情绪非常紧张|身体十分虚弱]，家属[多次询问|反复求助]，却[得不到明确答复|没有人理会]。",
    "事后{we}[到科室|找到科主任|到护士站]沟通，对方[态度敷衍|相互推诿|只说会向上反映]，至今没有结果。",
    "期间{we}[多次|三次]拨打科室电话，[均无人接听|对方说不清楚情况]。",
    "{who}今年{age}岁，[患有高血压、糖尿病等基础疾病|行动不便|是家里的顶梁柱]，[家属十分着急|经不起这样的折腾]。",
    "为这件事{we}已经[请了好几天假|来回奔波了很多次|花了不少交通费]。",
    "{we}认为这[严重损害了患者的合法权益|违反了医院自己的服务承诺|不是一家三甲医院应有的水平]。",
    "[同病房的其他病人|其他候诊的病人]也[有同样的遭遇|看到了当时的情况]，可以作证。",
    "{we}[保留了缴费票据|拍下了当时的照片|保存了聊天记录]，可以提供给医院核实。",
    "这已经不是第一次了，[上次住院时|之前来就诊时]也发生过类似情况。",
    "{we}理解医务人员工作辛苦，但[基本的沟通和尊重|最起码的责任心]应该有。",
    "[此前|上周]{we}已通过[医院公众号|意见箱|服务台]反映过，但[没有任何回复|石沉大海]。",
    "{who}的病情目前[已经稳定|仍在治疗中|还需要继续复查]，但{we}心里一直过不去这个坎。",
    "在等待期间，{who}[一直没有吃东西|坐在走廊的椅子上|只能站着]，[非常难受|精神很差]。",
    "当班的[医生|护士|工作人员]还说“[有本事你去投诉|这是规定我也没办法|我们就这个条件]”。",
    "因为这件事，{who}[对治疗失去了信心|不愿意再来医院复查|情绪一直很低落]。",
    "{we}希望医院认真调查，[不要大事化小|给出实事求是的结论]。",
)
CLOSINGS_THIRD = _templates(
    "投诉人情绪[激动|较为激动|尚平稳]，要求医院[尽快|在规定时限内]给予答复。",
    "投诉人[表示如不能妥善处理将向上级部门反映|希望医院引起重视]。",
    "已告知投诉人受理流程及答复时限。",
)
CLOSINGS_FIRST = _templates(
    "希望医院领导重视，给我们一个说法。",
    "盼复！",
    "特此投诉，望尽快处理。",
    "请医院调查核实，严肃处理相关人员。",
    "谢谢！",
)
LONG_SUPPLEMENT = Template("\n补充说明：")
REPEAT_OPENING = Template("[投诉人再次反映|{c}再次来电催办|同一投诉人再次反映]：")

DEMANDS: dict[str, tuple[Template, ...]] = {
    name: _templates(*texts)
    for name, texts in {
        "医疗质量": (
            "要求医院[给出合理解释|组织专家会诊]，[赔偿医疗费用{amount}元|承担后续治疗费用]。",
            "要求[封存病历|进行医疗损害鉴定]，追究相关人员责任。",
            "要求当事医生当面说明情况并道歉。",
            "要求医院[重新检查确诊|减免本次费用]。",
        ),
        "护理质量": (
            "要求护理部调查处理，当事护士道歉。",
            "要求[加强夜间巡视|更换责任护士]。",
            "要求医院承担由此产生的治疗费用。",
        ),
        "服务态度": (
            "要求当事人当面道歉。",
            "要求医院对当事人批评教育，[改进服务态度|加强培训]。",
            "要求医院给个说法。",
        ),
        "医疗费用": (
            "要求退还多收费用{amount_small}元。",
            "要求提供详细费用清单并作出解释。",
            "要求尽快办理退费。",
        ),
        "医德医风": ("要求医院严肃查处，[退还红包|公布处理结果]。", "要求对当事医生进行处理并公开道歉。"),
        "就医环境": ("希望医院[改善病房卫生|优化就诊流程|增加停车位]。", "要求相关部门整改。"),
        "后勤保障": ("要求尽快维修，[调换病房|减免相关费用]。", "要求加强后勤管理。"),
        "医保政策": ("要求按医保政策重新结算，退还自付费用。", "要求医院协助办理[异地结算|慢特病待遇]。"),
        "药品耗材": ("要求[保障药品供应|更换药品]并说明原因。", "要求说明耗材使用依据并退还多收费用。"),
        "安全保卫": ("要求医院协助追回损失，加强安保管理。", "要求医院打击号贩子，维护就诊秩序。"),
        "预约挂号与信息系统": (
            "要求医院[改进预约挂号方式|保障号源]。",
            "要求退还重复扣款{amount_small}元。",
            "要求停诊时提前通知患者。",
        ),
        "隐私保护": ("要求医院调查信息泄露原因并道歉。", "要求加强隐私保护。"),
        "医院感染": ("要求医院说明感染原因并承担治疗费用。",),
        "病历与证明": ("要求尽快[复印|封存]病历。", "要求医院按规定开具证明。"),
        "其他": ("希望医院[重视并改进|公开回应]。",),
    }.items()
}
GENERIC_DEMANDS = _templates("要求医院调查核实并给予答复。", "要求医院给出处理意见。")

REJECTION_ADDENDA: dict[str, Template] = {
    "court_or_mediation": Template("投诉人表示已向[区人民法院提起诉讼|医疗纠纷人民调解委员会申请调解]。"),
    "authority_handled": Template("投诉人称已向[区卫健委|信访部门]反映，对方已受理。"),
    "no_subject_facts": Template("投诉人对具体就诊时间、科室和人员[说不清楚|不愿提供]。"),
    "criminal": Template("投诉人称有人在医院内[殴打|威胁]其家属，已报警。"),
    "out_of_scope": Template("投诉人主要反映的是[单位医保缴费|小区物业|工伤认定]方面的问题。"),
}
REJECTION_NOTES: dict[str, Template] = {
    "court_or_mediation": Template("投诉人已[起诉|申请第三方调解]，告知其按相应程序处理。"),
    "authority_handled": Template("该事项已由[区卫健委|信访部门]受理，已告知投诉人。"),
    "no_subject_facts": Template("投诉人未能提供具体就诊时间和对象，告知其补充后可重新投诉。"),
    "criminal": Template("涉及治安案件，已建议投诉人向公安机关报案。"),
    "out_of_scope": Template("不属于投诉管理部门职权范围，已告知投诉人向[人社部门|物业公司|有关部门]反映。"),
}
REJECTION_WEIGHTS = {
    "out_of_scope": 35,
    "no_subject_facts": 25,
    "authority_handled": 15,
    "court_or_mediation": 15,
    "criminal": 10,
}

QUESTIONS = _templates(
    "请核实{dept}接诊经过，于3个工作日内书面反馈调查情况及处理意见。",
    "请调取相关[病历|监控|收费记录]，核实投诉人反映的问题并提出整改措施。",
    "请科室负责人与投诉人沟通，并书面反馈处理情况。",
    "",
)
RESPONSES: dict[str, tuple[Template, ...]] = {
    "upheld": _templates(
        "经科室核实，投诉反映情况基本属实。{staff}在[接诊|护理|服务]过程中[沟通不到位|态度欠妥|工作疏忽]，科室已对其批评教育，"
        "并在[晨会|周会]上通报。[科室将加强培训，避免类似情况再次发生。|科室负责人已与投诉人沟通致歉。]",
    ),
    "partly_upheld": _templates(
        "经调查，{staff}的[处置|操作]基本符合规范，但在[病情告知|解释沟通|等候安排]方面存在不足。"
        "科室已组织学习，[要求当事人改进|并向投诉人解释说明]。",
    ),
    "not_upheld": _templates(
        "经调阅[病历|监控录像|收费记录]并询问当事人，[诊疗过程符合诊疗规范|收费符合物价标准|工作人员已按流程处理]，"
        "投诉反映情况与事实不符。科室已[向投诉人做好解释|安排专人沟通]。",
    ),
    "undetermined": _templates(
        "[当时没有监控记录|当事双方说法不一]，目前无法核实具体情况。科室已提醒相关人员[注意沟通方式|规范服务用语]。",
    ),
}
FACTS = Template(
    "经调阅[病历|监控录像|收费明细]、询问{dept}当事人员及科室负责人，[核实情况如下|情况如下]：{response}"
)
RESOLUTIONS: dict[str, tuple[Template, ...]] = {
    "upheld": _templates(
        "[向投诉人诚恳道歉|由科室负责人当面致歉]；[对当事人批评教育并扣罚当月绩效|责成科室限期整改]。",
        "向投诉人致歉，[退还相关费用|减免部分费用]，并督促科室落实整改。",
    ),
    "partly_upheld": _templates(
        "向投诉人解释说明，[对服务不足之处致歉|并对当事人进行批评教育]。",
    ),
    "not_upheld": _templates(
        "向投诉人详细解释[诊疗过程|收费依据|相关规定]，告知其对处理结果不满意的，可通过人民调解、行政调解或诉讼等途径解决。",
    ),
    "undetermined": _templates(
        "向投诉人说明调查情况，[请其如有新的证据及时提供|提醒科室加强管理]。",
    ),
}
RECTIFICATIONS = (
    "科室组织全员学习《医疗机构投诉管理办法》",
    "加强医患沟通培训，规范服务用语",
    "完善交接班和查对制度",
    "在科室晨会上通报，警示全体人员",
    "优化就诊流程和排班，缩短等候时间",
    "对当事人批评教育并纳入绩效考核",
    "加强收费核对，杜绝重复收费",
    "增加导诊人员和标识指引",
    "定期开展服务质量检查",
)
APPROVAL_COMMENTS = (
    "同意。",
    "同意按此意见答复。",
    "同意，注意做好解释沟通。",
    "同意，请科室落实整改措施。",
    "",
)
RETURN_COMMENTS = (
    "处理意见过于简单，请补充整改措施后再报。",
    "请补充科室调查情况及相关依据。",
    "答复用语需要修改，避免使用专业术语。",
    "事实认定不清，请再次核实。",
)
REPLY_NOTES = _templates(
    "已[当面|电话]告知投诉人处理结果，投诉人[表示理解|表示接受|仍有不同意见]。",
    "已寄出处理结果告知书。",
    "",
)
FOLLOWUP_REMARKS: dict[str, tuple[Template, ...]] = {
    "satisfied": _templates("投诉人对处理结果表示满意，感谢医院重视。", "投诉人表示问题已经解决。"),
    "basically_satisfied": _templates("投诉人基本认可处理结果，希望科室切实整改。", "投诉人表示可以接受。"),
    "dissatisfied": _templates(
        "投诉人对处理结果不满意，认为[赔偿金额过低|科室推卸责任|整改没有落实]。",
    ),
}
HOLD_REASONS = _templates(
    "等待投诉人补充提供[缴费票据|病历复印件|相关照片]",
    "等待投诉人提供[身份证明|授权委托书]",
    "需调取外院病历资料",
    "等待医学会专家意见",
)
RESUME_NOTES = ("投诉人已补充材料", "已收到外院资料", "")
EXTENSION_REASONS = _templates(
    "涉及多个科室，需组织专家讨论后答复",
    "需调取监控及外院资料，无法在规定时限内完成调查",
    "投诉人要求面谈，需协调时间",
)
EXTENSION_REFUSALS = ("请抓紧办理，按期答复。", "不同意，应在原期限内答复。")
RETURN_REASONS = _templates(
    "该事项不属于本科室职责范围，建议转{other}处理",
    "经核实患者未在本科室就诊，建议转{other}",
    "涉及[收费|管理]问题，应由{other}答复",
)
UNRESOLVABLE_REASONS = (
    "投诉人多次联系不上，无法进一步核实",
    "投诉人拒绝配合调查",
    "投诉人已另行起诉，按司法程序处理",
)
ON_SPOT = _templates(
    "经当场[沟通解释|协调科室]，[已为患者重新安排就诊|已办理退费{amount_small}元|当事人当面致歉]，投诉人表示[满意|认可]。",
)
NOTES = _templates(
    "已电话告知投诉人办理进度。",
    "投诉人来电询问进度，已解释。",
    "已与科室负责人沟通，督促按时反馈。",
    "投诉人补充反映：[希望尽快处理|要求与科室负责人面谈]。",
)
MERGE_NOTES = ("同一投诉人就同一事项重复投诉，合并办理。", "投诉人再次来电催办，合并至原案件。", "")
ACCEPT_NOTES = ("", "", "", "已电话告知投诉人受理情况及答复期限。")
ROUTE_OUTCOMES: dict[str, Template] = {
    "people_mediation": Template(
        "经医疗纠纷人民调解委员会调解，双方达成调解协议，医院一次性补偿{amount}元。"
    ),
    "administrative_mediation": Template("区卫健委行政调解结束，[双方达成协议|投诉人撤回申请]。"),
    "litigation": Template("法院[判决|调解结案]，[医院承担次要责任|医院无需承担责任]。"),
    "medical_appraisal": Template("医学会鉴定结论：[不构成医疗事故|构成四级医疗事故，医院承担次要责任]。"),
    "petition": Template("信访部门已办结，投诉人未再反映。"),
}
ATTACHMENT_NAMES = ("来信扫描件.png", "现场照片.png", "缴费票据.png", "聊天记录截图.png", "录音文字整理.txt")

# ============================================================================ people and places


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_SURNAMES = """
王7120 李7000 张6740 刘5390 陈4530 杨3080 黄2240 赵2200 吴2000 周1930 徐1640 孙1520 马1440 朱1320 胡1290 郭1180
何1170 林1100 罗1070 高1060 郑980 梁880 谢810 宋730 唐730 许690 韩670 冯670 邓650 曹640 彭610 曾600 肖580 田560
董550 袁530 潘520 于510 蒋500 蔡490 余480 杜470 叶460 程450 苏430 魏420 吕410 丁400 任390 沈380 姚370 卢360 姜350
崔340 钟330 谭320 陆310 汪300 范290 金280 石270 廖260 贾250 夏240 韦230 付220 方220 白210 邹210 孟200 熊200 秦190
邱190 江180 尹180 薛170 闫170 段160 雷160 侯150 龙150 史140 陶140 黎130 贺130 顾130 毛120 郝120 龚120 邵110 万110
钱110 严100 覃100 武100 戴100 莫90 孔90 向90 汤90 常80 温80 康80 施80 文80 牛70 樊70 葛70 邢70 安60 齐60 易60 乔60
伍60 庞60 颜50 倪50 庄50 聂50 章50 鲁50 岳50 翟40 殷40 詹40 申40 耿40 关40 兰40 焦40 俞40 左40 柳40 甘40 祝40 包30
宁30 尚30 符30 舒30 阮30 柯30 纪30 梅30 童30 凌30 毕30 单30 季30 裴30 霍30 涂30 成30 苗30 谷30 盛30 曲30 翁30 冉30
骆20 蓝20 路20 游20 辛20 靳20 管20 柴20 蒙20 鲍20 华20 喻20 祁20 蒲20 房20 滕20 屈20 饶20 解20 牟20 艾20 尤20 阳20
时20 穆20 农20 司20 卓20 古20 吉20 缪20 简20 车20 项20 连20 芦20 麦20 褚20 娄20 窦20 戚20 岑20 景20 党20 宫20 费20
卜20 冷20 晏20 席20 卫20 米20 柏20 宗10 瞿10 桂10 全10 佟10 应10 臧10 闵10 苟10 邬10 边10 卞10 姬10 师10 和10 仇10
栾10 隋10 商10 刁10 沙10 荣10 巫10 寇10 桑10 郎10 甄10 丛10 仲10 虞10 敖10 巩10 明10 佘10 池10 查10 麻10 苑10 迟10
邝10 欧阳30 司马5 上官5 诸葛4 东方3 皇甫3 慕容2 令狐2 司徒3 夏侯2
"""
SURNAMES: tuple[tuple[str, int], ...] = tuple(
    (item.rstrip("0123456789"), int(item[len(item.rstrip("0123456789")) :])) for item in _SURNAMES.split()
)

# Given names by (male?, generation): 0 born before 1965, 1 before 1990, 2 after.
GIVEN_NAMES: dict[tuple[bool, int], tuple[str, ...]] = {
    (True, 0): _words(
        "建国 建华 建军 国强 国华 志强 志明 文华 德明 卫东 红军 振华 明华 永强 金山 德胜 长林 宝山 学军 立新 "
        "跃进 秋生 福林 桂林 玉成 广才 春生 海山 伟 强 军 勇 斌 刚 平 明 华 林"
    ),
    (False, 0): _words(
        "秀英 桂英 玉兰 秀兰 桂兰 淑珍 凤英 玉梅 秀珍 丽华 翠花 美玲 素芳 建英 红梅 爱华 凤兰 金凤 淑英 秀云 "
        "桂芳 玉珍 兰英 小妹 芳 英 兰 霞 娟 萍 红 梅 丽 琴"
    ),
    (True, 1): _words(
        "伟 磊 涛 斌 勇 鹏 杰 俊 超 浩 明亮 建平 海涛 志刚 晓东 文斌 永刚 海峰 宏伟 立军 小龙 春雷 国栋 少华 云飞 "
        "建峰 晓明 俊峰 东升 海军 红兵 志勇 剑 波 辉 军 峰"
    ),
    (False, 1): _words(
        "丽 静 敏 燕 艳 娟 霞 芳 婷 晓燕 丽娜 海燕 春梅 雪梅 晓红 艳红 秀梅 美华 慧敏 雅琴 丽萍 晓丽 红霞 小燕 "
        "玉洁 秀丽 倩 琳 颖 洁"
    ),
    (True, 2): _words(
        "浩然 子轩 宇航 俊杰 浩宇 博文 子豪 一鸣 梓睿 天佑 皓轩 思远 泽宇 明轩 逸飞 家豪 嘉诚 子墨 宇轩 晨阳 "
        "铭泽 睿 昊 宸 航 哲 凯 旭"
    ),
    (False, 2): _words(
        "欣怡 梓涵 诗涵 雨萱 子涵 可欣 思琪 佳怡 梦瑶 雨桐 欣妍 一诺 紫萱 婉清 语嫣 晓雯 佳琪 梓萱 若曦 安琪 "
        "雨欣 思彤 悦 璐 彤 瑶 妍"
    ),
}
GIVEN_FIRST = {
    True: "志建国文明海晓俊子浩宇嘉永立春家云振德小",
    False: "秀丽美玉晓雅静慧春雪欣思佳梦雨婉淑丹小",
}
GIVEN_SECOND = {
    True: "强华明平军涛杰磊峰辉东林刚龙宇轩博然成伟",
    False: "英芳兰梅娟婷琳萍霞燕红洁琴颖妍怡涵萱雯丽",
}


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # 6-digit 行政区划代码 used in ID numbers
    prefix: str  # address prefix: province + city + district
    weight: int
    area_code: str = "025"


REGIONS: tuple[Region, ...] = (
    Region("320115", "南京市江宁区", 260),
    Region("320102", "南京市玄武区", 40),
    Region("320104", "南京市秦淮区", 50),
    Region("320105", "南京市建邺区", 40),
    Region("320106", "南京市鼓楼区", 50),
    Region("320111", "南京市浦口区", 30),
    Region("320113", "南京市栖霞区", 35),
    Region("320114", "南京市雨花台区", 45),
    Region("320116", "南京市六合区", 20),
    Region("320117", "南京市溧水区", 25),
    Region("320118", "南京市高淳区", 15),
    Region("320211", "江苏省无锡市滨湖区", 8, "0510"),
    Region("320311", "江苏省徐州市泉山区", 8, "0516"),
    Region("320402", "江苏省常州市天宁区", 8, "0519"),
    Region("320505", "江苏省苏州市虎丘区", 8, "0512"),
    Region("320602", "江苏省南通市崇川区", 6, "0513"),
    Region("320812", "江苏省淮安市清江浦区", 8, "0517"),
    Region("320902", "江苏省盐城市亭湖区", 8, "0515"),
    Region("321002", "江苏省扬州市广陵区", 8, "0514"),
    Region("321102", "江苏省镇江市京口区", 10, "0511"),
    Region("321302", "江苏省宿迁市宿城区", 6, "0527"),
    Region("340104", "安徽省合肥市蜀山区", 10, "0551"),
    Region("341102", "安徽省滁州市琅琊区", 12, "0550"),
    Region("340502", "安徽省马鞍山市花山区", 14, "0555"),
    Region("341502", "安徽省六安市金安区", 6, "0564"),
    Region("370102", "山东省济南市历下区", 4, "0531"),
    Region("410105", "河南省郑州市金水区", 5, "0371"),
    Region("330106", "浙江省杭州市西湖区", 4, "0571"),
    Region("310115", "上海市浦东新区", 4, "021"),
    Region("420106", "湖北省武汉市武昌区", 3, "027"),
    Region("510107", "四川省成都市武侯区", 3, "028"),
    Region("360102", "江西省南昌市东湖区", 3, "0791"),
    Region("430102", "湖南省长沙市芙蓉区", 3, "0731"),
    Region("130102", "河北省石家庄市长安区", 2, "0311"),
    Region("610113", "陕西省西安市雁塔区", 2, "029"),
)
STREETS = _words(
    "中山路 北京东路 龙蟠中路 汉中路 江东中路 应天大街 双龙大道 天元中路 上元大街 竹山路 胜太路 秣周东路 弘景大道 "
    "宁丽路 天印大道 金宝大道 将军大道 佳湖东路 太平南路 中央路 虎踞路 集庆路 雨花大道 宁六路 浦珠路 仙林大道 文苑路 "
    "人民路 解放路 建设路 新华路 长江路 和平路 府前街"
)
COMMUNITIES = _words(
    "翠屏城 百家湖花园 托乐嘉 武夷绿洲 东山香樟园 岔路口小区 金色家园 自在城 江湾城 南湖新村 月牙湖花园 锁金新村 "
    "龙江小区 莫愁新寓 瑞金新村 苜蓿园小区 银城东苑 凤凰西街小区 丽岛花园 新城花园 阳光家园 幸福里"
)
TOWNS = _words("淳化街道 湖熟街道 谷里街道 横溪街道 禄口街道 汤山街道 江宁街道 秣陵街道")
MOBILE_PREFIXES = _words(
    "130 131 132 133 134 135 136 137 138 139 145 147 150 151 152 153 155 156 157 158 159 166 173 175 "
    "176 177 178 180 181 182 183 184 185 186 187 188 189 191 193 195 197 198 199"
)
EMAIL_DOMAINS = (
    ("qq.com", 45),
    ("163.com", 20),
    ("126.com", 10),
    ("sina.com", 5),
    ("foxmail.com", 8),
    ("outlook.com", 7),
)

SYMPTOMS = _words(
    "腹痛 胸闷 持续发热 头晕头痛 咳嗽咳痰 腰背疼痛 呼吸困难 心慌 呕吐腹泻 关节肿痛 视物模糊 耳鸣"
)
DIAGNOSES = (
    ("胃炎", "急性心肌梗死"),
    ("感冒", "肺炎"),
    ("肌肉拉伤", "腰椎间盘突出"),
    ("肠胃炎", "急性阑尾炎"),
    ("软组织扭伤", "踝关节骨折"),
    ("普通头痛", "脑出血"),
    ("支气管炎", "肺结核"),
    ("痔疮", "直肠肿瘤"),
    ("结膜炎", "青光眼"),
    ("上呼吸道感染", "病毒性心肌炎"),
)
EXAMS = _words("CT 核磁共振 胃镜 肠镜 B超 心脏彩超 血常规 肝功能 心电图 冠脉造影 胸片 骨密度")
IMAGING = _words("CT 核磁共振 X光片 彩超 乳腺钼靶")
SURGERIES = _words(
    "阑尾切除术 腹腔镜胆囊切除术 膝关节置换术 剖宫产术 甲状腺切除术 疝修补术 白内障手术 腰椎手术 冠脉支架植入术"
)
DRUGS = _words(
    "阿莫西林 头孢克肟 奥美拉唑 布洛芬 硝苯地平 二甲双胍 阿托伐他汀 氯吡格雷 胰岛素 左氧氟沙星 甲钴胺"
)
OTHER_HOSPITALS = ("外院", "省人民医院", "市中医院", "上级医院", "另一家三甲医院")
WINDOWS = ("门诊收费窗口", "住院结算处", "挂号窗口", "医保窗口")
TECH_DEPTS = ("放射科", "超声医学科", "检验科", "内镜中心")
PHONE_CHANNELS = frozenset({"visit", "phone"})

CHANNEL_WEIGHTS = {
    "visit": 35,
    "phone": 30,
    "online": 15,
    "letter": 5,
    "transfer": 10,
    "internal": 3,
    "email": 2,
}
TRANSFER_WEIGHTS = {
    "hotline_12345": 45,
    "health_commission": 25,
    "hotline_12320": 15,
    "petition": 10,
    "other": 5,
}
SEVERITY_WEIGHTS = {"minor": 85, "serious": 12, "major": 3}
RELATION_WEIGHTS = {"self": 52, "child": 20, "spouse": 12, "parent": 10, "other": 6}
FAMILY_WEIGHTS = {
    "服务态度": 24,
    "医疗质量": 19,
    "医疗费用": 10,
    "就医环境": 8,
    "预约挂号与信息系统": 8,
    "护理质量": 7,
    "医保政策": 5,
    "药品耗材": 4,
    "后勤保障": 4,
    "医德医风": 2,
    "安全保卫": 2,
    "病历与证明": 3,
    "隐私保护": 1,
    "医院感染": 1,
    "其他": 2,
}
MAJOR_LEAVES = frozenset(
    {
        "医疗损害争议",
        "手术并发症或手术效果",
        "抢救不及时",
        "暴力伤医或扰乱秩序",
        "媒体或网络舆情",
        "误诊漏诊",
        "患者身份或手术部位识别错误",
        "疑似院内感染",
    }
)
INPATIENT_LEAVES = frozenset(
    {
        "住院医生态度生硬",
        "手术并发症或手术效果",
        "护理操作差错",
        "跌倒坠床或压力性损伤",
        "巡视观察不及时",
        "呼叫响应不及时",
        "健康宣教不到位",
        "护士态度生硬",
        "病房或卫生间不洁",
        "环境嘈杂",
        "膳食订餐",
        "陪护管理",
        "疑似院内感染",
        "病历复印或封存",
        "财物被盗",
        "诊断延误",
        "会诊转科不及时",
        "水电空调故障",
    }
)
# Leaves that are not about a clinical visit: no 就诊科室 most of the time.
NON_CLINICAL_FAMILIES = frozenset({"就医环境", "后勤保障", "安全保卫", "预约挂号与信息系统", "其他"})


# ============================================================================ random helpers


class Weighted:
    """Fast repeated weighted choice (bisect over cumulative weights)."""

    __slots__ = ("items", "cumulative", "total")

    def __init__(self, pairs: Iterable[tuple[Any, float]]) -> None:
        items, cumulative, total = [], [], 0.0
        for item, weight in pairs:
            if weight > 0:
                total += weight
                items.append(item)
                cumulative.append(total)
        if not items:
            raise ValueError("nothing to choose from")
        self.items, self.cumulative, self.total = items, cumulative, total

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _randint(rng: random.Random, low: int, high: int) -> int:
    """Like rng.randint, several times faster."""
    return low + int(rng.random() * (high - low + 1))


def _some(rng: random.Random, seq: Sequence[Any], k: int) -> list[Any]:
    """k distinct items of seq in random order (a cheaper rng.sample)."""
    pool = list(seq)
    for i in range(k):
        j = i + int(rng.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def _one(rng: random.Random, seq: Sequence[Any]) -> Any:
    return seq[int(rng.random() * len(seq))]


_SURNAME_PICK = Weighted(SURNAMES)
_REGION_PICK = Weighted((r, r.weight) for r in REGIONS)
_EMAIL_PICK = Weighted(EMAIL_DOMAINS)
_CHANNEL_PICK = Weighted(CHANNEL_WEIGHTS.items())
_TRANSFER_PICK = Weighted(TRANSFER_WEIGHTS.items())
_SEVERITY_PICK = Weighted(SEVERITY_WEIGHTS.items())
_RELATION_PICK = Weighted(RELATION_WEIGHTS.items())
_REJECTION_PICK = Weighted(REJECTION_WEIGHTS.items())


# ============================================================================ people


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    male: bool
    birth: date
    id_number: str
    phone: str
    address: str
    region: Region


def _given_name(rng: random.Random, male: bool, birth_year: int) -> str:
    generation = 0 if birth_year < 1965 else 1 if birth_year < 1990 else 2
    if _chance(rng, 0.6):
        return _one(rng, GIVEN_NAMES[(male, generation)])
    return _one(rng, GIVEN_FIRST[male]) + _one(rng, GIVEN_SECOND[male])


def person_name(rng: random.Random, male: bool, birth_year: int, surname: str = "") -> str:
    return (surname or _SURNAME_PICK.pick(rng)) + _given_name(rng, male, birth_year)


def mobile_number(rng: random.Random) -> str:
    return _one(rng, MOBILE_PREFIXES) + f"{_randint(rng, 0, 10**8 - 1):08d}"


def id_number(rng: random.Random, region: Region, birth: date, male: bool) -> str:
    """An 18-digit GB 11643 number: region, birth date, sequence (odd for men), check digit."""
    sequence = _randint(rng, 0, 99) * 10 + _randint(rng, 0, 4) * 2 + (1 if male else 0)
    first17 = f"{region.code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)


def address(rng: random.Random, region: Region) -> str:
    if region.code.startswith("3201"):
        if region.code == "320115" and _chance(rng, 0.2):
            return f"{region.prefix}{_one(rng, TOWNS)}{_one(rng, '东西南北新')}塘村{_randint(rng, 1, 12)}组{_randint(rng, 1, 80)}号"
        return (
            f"{region.prefix}{_one(rng, STREETS)}{_randint(rng, 1, 399)}号{_one(rng, COMMUNITIES)}"
            f"{_randint(rng, 1, 36)}栋{_randint(rng, 1, 4)}单元{_randint(rng, 1, 28)}0{_randint(rng, 1, 4)}室"
        )
    return f"{region.prefix}{_one(rng, STREETS)}{_randint(rng, 1, 600)}号"


def make_person(
    rng: random.Random, age: int, today: date, male: bool | None = None, surname: str = ""
) -> Person:
    male = _chance(rng, 0.5) if male is None else male
    birth = today - timedelta(days=age * 365 + rng.randrange(365))
    region = _REGION_PICK.pick(rng)
    phone = (
        f"{region.area_code}-{rng.choice('568')}{rng.randrange(10**7):07d}"
        if _chance(rng, 0.04) and region.area_code == "025"
        else mobile_number(rng)
    )
    return Person(
        name=person_name(rng, male, birth.year, surname),
        male=male,
        birth=birth,
        id_number=id_number(rng, region, birth, male),
        phone=phone,
        address=address(rng, region),
        region=region,
    )


def email_for(rng: random.Random, person: Person) -> str:
    domain = _EMAIL_PICK.pick(rng)
    if domain == "qq.com":
        return f"{_randint(rng, 10**7, 3 * 10**9)}@qq.com"
    letters = "".join(rng.choice("abcdefghjkmnpqrstwxyz") for _ in range(_randint(rng, 3, 7)))
    return f"{letters}{person.birth:%y}{_randint(rng, 0, 999)}@{domain}"


def record_number(rng: random.Random, inpatient: bool, year: int) -> str:
    """门诊号 (10 digits or MZ+yymm+6) or 住院号 (ZY+7 or 7 digits)."""
    if inpatient:
        return f"ZY{rng.randrange(10**7):07d}" if _chance(rng, 0.6) else f"{_randint(rng, 10**6, 10**7 - 1)}"
    if _chance(rng, 0.5):
        return f"{rng.randrange(10**10):010d}"
    return f"MZ{year % 100:02d}{_randint(rng, 1, 12):02d}{rng.randrange(10**6):06d}"


# ============================================================================ working days


class WorkdayTable:
    """A precomputed date → working-day table for fast due dates and office-time arithmetic.

    Answers like `WorkCalendar` (including 暂定 for years without official data) inside
    [first, last]; outside it asks the calendar. "Office ordinals" count seconds of office time:
    ordinal 0 is `first`'s first working day at opening time; one working day is `day_seconds` long.
    """

    def __init__(self, cal: WorkCalendar, first: date, last: date, office: OfficeHours) -> None:
        self.cal, self.first, self.last, self.office = cal, first, last, office
        self.day_seconds = (
            datetime.combine(first, office.end) - datetime.combine(first, office.start)
        ).seconds
        span = (last - first).days + 1
        self._workday = [cal.is_workday(first + timedelta(days=i)) for i in range(span)]
        self._upto: list[int] = []  # working days in [first, day]
        self.workdays: list[date] = []
        count = 0
        for i, is_workday in enumerate(self._workday):
            if is_workday:
                count += 1
                self.workdays.append(first + timedelta(days=i))
            self._upto.append(count)
        self._provisional_years = frozenset(
            y for y in range(first.year, last.year + 2) if not cal.has_official_data(y)
        )

    def _index(self, d: date) -> int | None:
        i = (d - self.first).days
        return i if 0 <= i < len(self._workday) else None

    def is_workday(self, d: date) -> bool:
        i = self._index(d)
        return self._workday[i] if i is not None else self.cal.is_workday(d)

    def add_workdays(self, start: date, n: int) -> tuple[date, bool]:
        """Same as WorkCalendar.add_workdays."""
        if n == 0:
            return start, False
        i = self._index(start)
        k = self._upto[i] + n - 1 if i is not None else len(self.workdays)
        if k >= len(self.workdays):
            return self.cal.add_workdays(start, n)
        result = self.workdays[k]
        provisional = any(
            y in self._provisional_years for y in range((start + timedelta(days=1)).year, result.year + 1)
        )
        return result, provisional

    def workdays_between(self, a: date, b: date) -> int:
        """Same as WorkCalendar.workdays_between: working days in (a, b]."""
        i, j = self._index(a), self._index(b)
        if i is None or j is None:
            return self.cal.workdays_between(a, b)
        return self._upto[j] - self._upto[i]

    def is_after_hours(self, at: datetime) -> bool:
        return not self.is_workday(at.date()) or not self.office.contains(at.time())

    def ordinal(self, at: datetime) -> int:
        """Office seconds before `at`; outside office hours, the next opening time's ordinal."""
        i = self._index(at.date())
        if i is None:
            raise ValueError(f"{at} is outside the table")
        before = self._upto[i] - self._workday[i]
        if not self._workday[i]:
            return before * self.day_seconds
        opened = datetime.combine(at.date(), self.office.start)
        seconds = min(max(int((at - opened).total_seconds()), 0), self.day_seconds)
        return before * self.day_seconds + seconds

    def at(self, ordinal: int) -> datetime:
        day, seconds = divmod(int(ordinal), self.day_seconds)
        return datetime.combine(self.workdays[day], self.office.start) + timedelta(seconds=seconds)

    def workday_before(self, d: date, n: int) -> date:
        """The working day n working days before the last working day on or before d."""
        i = self._index(d)
        return self.workdays[max(0, self._upto[i] - 1 - n)]


# ============================================================================ plans


@dataclass(slots=True)
class Step:
    """One thing that happens to a case: `kind` names the service (see `_ServiceRunner`)."""

    at: datetime
    kind: str
    actor: str  # role: officer, manager, clerk, night_duty
    data: dict[str, Any]
    state: str  # the case state after this step, as planned


@dataclass(frozen=True, slots=True)
class Profile:
    """Who complains about whom: reused when the same complainant comes back."""

    complainant: Person
    patient: Person
    relation: str
    leaf: CategoryLeaf
    visit_department: str  # department code or ""
    record_no: str


@dataclass(slots=True)
class CasePlan:
    index: int  # registration order, 0-based: the case id is index + 1 in an empty database
    form: IntakeForm  # link_to is filled in when the case is written
    registrar: str
    steps: list[Step]  # steps[0] is the registration
    profile: Profile
    key: tuple[int, int] = (0, 0)  # (year received, sequence number within that year)
    link_to: int | None = None  # plan index of an earlier case of the same complainant
    link_key: tuple[int, int] | None = None
    final_at: datetime | None = None
    restricted: bool = False

    @property
    def registered_at(self) -> datetime:
        return self.steps[0].at

    @property
    def state(self) -> str:
        return self.steps[-1].state

    def inject(self, step: Step) -> None:
        """Insert a step at its moment (a merge recorded on this case's timeline)."""
        position = bisect.bisect_right([s.at for s in self.steps], step.at)
        step.state = self.steps[position - 1].state
        self.steps.insert(position, step)


@dataclass(slots=True)
class _Skeleton:
    channel: str
    night: bool
    received_at: datetime
    registered_at: datetime
    registrar: str
    target: str | None  # None: a case living its whole life (older cases)
    features: frozenset[str]


S = State
FINAL = frozenset({S.CLOSED, S.REJECTED, S.MERGED})
OPEN_TARGETS = frozenset(State) - FINAL
# Recent cases: (target state, weight, age range in working days).
TARGETS: dict[str, tuple[int, tuple[int, int]]] = {
    S.REGISTERED: (10, (0, 1)),
    S.ACCEPTED: (8, (0, 3)),
    S.IN_PROGRESS: (24, (1, 12)),
    S.DRAFTING: (10, (2, 9)),
    S.PENDING_APPROVAL: (6, (3, 9)),
    S.APPROVED: (6, (3, 9)),
    S.REPLIED: (10, (4, 14)),
    S.AWAITING_SIGNOFF: (8, (4, 18)),
    S.CLOSED: (10, (4, 20)),
    S.REJECTED: (5, (0, 8)),
    S.MERGED: (3, (0, 6)),
}
_TARGET_PICK = Weighted((state, spec[0]) for state, spec in TARGETS.items())
# The first recent cases: every board state and every overlay, whatever the size.
RECENT_COVERAGE: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (state, frozenset(features.split()))
    for state, features in (
        (S.REGISTERED, ""),
        (S.REGISTERED, "night"),
        (S.ACCEPTED, "restricted"),
        (S.IN_PROGRESS, "overdue"),
        (S.IN_PROGRESS, "amber"),
        (S.IN_PROGRESS, "hold_open"),
        (S.IN_PROGRESS, "extension_approved"),
        (S.IN_PROGRESS, "extension_pending"),
        (S.DRAFTING, ""),
        (S.PENDING_APPROVAL, ""),
        (S.APPROVED, ""),
        (S.REPLIED, ""),
        (S.AWAITING_SIGNOFF, "on_spot"),
        (S.AWAITING_SIGNOFF, "external"),
        (S.CLOSED, "reopen"),
        (S.REJECTED, ""),
        (S.MERGED, ""),
    )
)
# The first older cases: each feature at least once.
HISTORY_COVERAGE: tuple[frozenset[str], ...] = tuple(
    frozenset(f.split())
    for f in (
        "reopen",
        "external",
        "extension_approved",
        "extension_refused",
        "restricted",
        "reroute",
        "return_draft",
        "hold",
        "unresolvable",
        "link attachment",
        "reject",
        "merge",
        "on_spot",
        "night",
        "note",
    )
)
# Probabilities of the features for the other cases.
HISTORY_FEATURES = {
    "hold": 0.05,
    "hold_open": 0.004,
    "extension": 0.04,
    "restricted": 0.015,
    "reroute": 0.04,
    "return_draft": 0.07,
    "note": 0.10,
    "attachment": 0.04,
    "link": 0.02,
}
RECENT_FEATURES = {
    "hold_open": 0.08,
    "extension": 0.05,
    "restricted": 0.02,
    "reroute": 0.04,
    "note": 0.10,
    "attachment": 0.04,
    "link": 0.02,
}
DEPARTMENT_TITLES = {
    "clinical": ("科主任", "护士长", "科室秘书", "副主任"),
    "technical": ("科主任", "技师长", "科室秘书"),
    "administrative": ("科长", "副科长", "干事", "主任"),
}
REPLY_METHOD_BY_CHANNEL = {
    "visit": ("in_person", "phone", "phone"),
    "phone": ("phone",),
    "letter": ("letter", "phone"),
    "online": ("phone", "wechat", "sms"),
    "email": ("email",),
    "transfer": ("letter", "phone"),
    "internal": ("in_person", "phone"),
}
FOLLOWUP_METHOD_PICK = Weighted({"phone": 80, "sms": 8, "wechat": 7, "visit": 5}.items())
SATISFACTION_PICK = Weighted({"satisfied": 62, "basically_satisfied": 28, "dissatisfied": 10}.items())
FINDING_PICK = Weighted({"upheld": 30, "partly_upheld": 35, "not_upheld": 30, "undetermined": 5}.items())
ROUTE_PICK = Weighted(
    {
        "people_mediation": 45,
        "administrative_mediation": 15,
        "litigation": 20,
        "medical_appraisal": 10,
        "petition": 10,
    }.items()
)
# A tiny valid PNG (1×1, grey) for scanned-paper attachments.
_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + struct.pack(">I", 13)
    + b"IHDR"
    + struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)))
    + struct.pack(">I", 10)
    + b"IDAT"
    + zlib.compress(b"\x00\xc0")
    + struct.pack(">I", zlib.crc32(b"IDAT" + zlib.compress(b"\x00\xc0")))
    + struct.pack(">I", 0)
    + b"IEND"
    + struct.pack(">I", zlib.crc32(b"IEND"))
)


class _Slots(dict):
    """Slot values of one case, computed on first use. `who` names the patient in full the first
    time and briefly afterwards."""

    def __init__(self, gen: DemoGenerator, rng: random.Random, ctx: dict[str, Any]) -> None:
        super().__init__()
        self.gen, self.rng, self.ctx = gen, rng, ctx
        self._who_used = False

    def __getitem__(self, key: str) -> str:
        if key == "who":
            full, short = self.ctx["who"]
            if self._who_used:
                return short
            self._who_used = True
            return full
        return super().__getitem__(key)

    def __missing__(self, key: str) -> str:
        value = getattr(self, "_" + key)()
        self[key] = value
        return value

    def _pick(self, seq: Sequence[str]) -> str:
        return _one(self.rng, seq)

    def _c(self) -> str:
        return self.ctx["profile"].complainant.name

    def _p(self) -> str:
        return self.ctx["profile"].patient.name

    def _rel(self) -> str:
        return self.ctx["rel_label"]

    def _rel_self(self) -> str:
        return self.ctx["rel_self"]

    def _we(self) -> str:
        return self.ctx["we"]

    def _dept(self) -> str:
        return self.ctx["dept_name"] or "门诊"

    def _tech_dept(self) -> str:
        return self._pick(TECH_DEPTS)

    def _ward(self) -> str:
        dept = self._dept()
        if _chance(self.rng, 0.5):
            return f"{dept}{_randint(self.rng, 1, 3)}病区"
        return f"住院部{_randint(self.rng, 1, 5)}号楼{_randint(self.rng, 3, 18)}楼{dept}病区"

    def _window(self) -> str:
        return self._pick(WINDOWS)

    def _date(self) -> str:
        visit: date = self.ctx["visit_date"]
        received: datetime = self.ctx["received_at"]
        return (
            f"{visit.year}年{visit.month}月{visit.day}日"
            if visit.year != received.year
            else f"{visit.month}月{visit.day}日"
        )

    def _time_phrase(self) -> str:
        return self._pick(("上午", "下午", "晚上", "凌晨", "中午")) + self._pick(
            ("", "", "十点多", "三点左右", "八点多")
        )

    def _staff_surname(self) -> str:
        return _SURNAME_PICK.pick(self.rng)

    def _doctor(self) -> str:
        return (
            self._staff_surname() + self._pick(("医生", "医生", "主任", "大夫"))
            if _chance(self.rng, 0.8)
            else "接诊医生"
        )

    def _nurse(self) -> str:
        return (
            self._staff_surname() + "护士"
            if _chance(self.rng, 0.5)
            else self._pick(("一名护士", "值班护士", "责任护士"))
        )

    def _staff(self) -> str:
        choice = _randint(self.rng, 0, 3)
        return ("当事医生", "当班护士", "相关工作人员")[choice] if choice < 3 else self._doctor()

    def _exam(self) -> str:
        return self._pick(EXAMS)

    def _imaging(self) -> str:
        return self._pick(IMAGING)

    def _surgery(self) -> str:
        return self._pick(SURGERIES)

    def _drug(self) -> str:
        return self._pick(DRUGS)

    def _symptom(self) -> str:
        return self._pick(SYMPTOMS)

    def _diagnosis(self) -> tuple[str, str]:
        if "diagnosis" not in self.ctx:
            self.ctx["diagnosis"] = _one(self.rng, DIAGNOSES)
        return self.ctx["diagnosis"]

    def _dx_wrong(self) -> str:
        return self._diagnosis()[0]

    def _dx_right(self) -> str:
        return self._diagnosis()[1]

    def _other_hospital(self) -> str:
        return self._pick(OTHER_HOSPITALS)

    def _amount(self) -> str:
        return str(_randint(self.rng, 8, 600) * 50)

    def _amount_small(self) -> str:
        return str(_randint(self.rng, 2, 300) * 5)

    def _days(self) -> str:
        return str(_randint(self.rng, 3, 25))

    def _n(self) -> str:
        return self._pick("二三四五")

    def _age(self) -> str:
        patient: Person = self.ctx["profile"].patient
        return str(max(1, (self.ctx["received_at"].date() - patient.birth).days // 365))

    def _province(self) -> str:
        region: Region = self.ctx["profile"].complainant.region
        if not region.code.startswith("3201"):
            return region.prefix
        return _one(self.rng, [r.prefix for r in REGIONS if not r.code.startswith("32")])

    def _source(self) -> str:
        return self.ctx["source_label"]

    def _ref(self) -> str:
        return self.ctx["reference"]

    def _src_dept(self) -> str:
        return self.ctx["source_department_name"]


@dataclass(frozen=True, slots=True)
class _Kinship:
    third: tuple[str, str]  # the patient in the office's words: first mention, later mentions
    first: tuple[str, str]  # the patient in the complainant's own words
    rel_self: str  # who the complainant is, in their own words


def _kinship(relation: str, complainant: Person, patient: Person) -> _Kinship:
    if relation == "self":
        return _Kinship(("投诉人", "患者"), ("我", "我"), "患者本人")
    if relation == "other":
        return _Kinship(
            (f"患者{patient.name}", "患者"), (f"我的亲戚{patient.name}", "亲戚"), f"患者{patient.name}的亲属"
        )
    if relation == "spouse":
        kin, mine = ("丈夫" if patient.male else "妻子"), ("丈夫" if complainant.male else "妻子")
        child = "患者"
    elif relation == "child":  # the complainant is the patient's son or daughter
        kin, mine = ("父亲" if patient.male else "母亲"), ("儿子" if complainant.male else "女儿")
        child = "患者"
    else:  # parent: the patient is the complainant's child
        kin, mine = ("儿子" if patient.male else "女儿"), ("父亲" if complainant.male else "母亲")
        child = "患儿"
    return _Kinship(
        (f"其{kin}{patient.name}", f"其{kin}"), (f"我{kin}", f"我{kin}"), f"{child}{patient.name}的{mine}"
    )


_DETAIL_COUNT = Weighted(((0, 1), (1, 2), (2, 3), (3, 4), (4, 3), (5, 2), (6, 2), (8, 1)))


class _Stop(Exception):
    """The planned life ends here (a case left on hold for good)."""


class DemoGenerator:
    """Plans `n` complaints, deterministic for a given seed, now, dictionaries and calendar."""

    MERGE_WINDOW = timedelta(days=30)
    BUFFER = timedelta(days=40)  # plans are held back this long so merges can still be recorded

    def __init__(
        self,
        *,
        seed: int,
        now: datetime,
        departments: Sequence[dictionaries.Department],
        leaves: Sequence[CategoryLeaf],
        table: WorkdayTable,
    ) -> None:
        if not departments or not leaves:
            raise ValueError("the database has no departments or categories")
        self.rng = random.Random(seed)
        self.now = now.replace(microsecond=0)
        self.table = table
        self.now_ord = table.ordinal(self.now)
        self.last_office_day = table.at(max(0, self.now_ord - 1)).date()
        self.departments = {d.code: d for d in departments}
        self.clinical = [d for d in departments if d.kind == "clinical"] or list(departments)
        self.admin_departments = [d for d in departments if d.kind == "administrative"] or list(departments)
        families: dict[str, list[CategoryLeaf]] = {}
        for leaf in leaves:
            if leaf.default_department_code in self.departments:
                families.setdefault(leaf.path.split(" / ")[0], []).append(leaf)
        if not families:
            raise ValueError("no category leaf maps to an active department")
        self.leaves_by_family = families
        self.family_pick = Weighted((f, FAMILY_WEIGHTS.get(f, 1)) for f in families)
        self.major_leaves = [
            leaf for group in families.values() for leaf in group if leaf.name in MAJOR_LEAVES
        ]
        self.reference_serial = 0
        self.sequences: dict[int, int] = {}  # year -> last case sequence number planned
        self.recent: list[CasePlan] = []  # plans not yet handed out, in registration order
        self.recent_times: list[datetime] = []

    # -- skeletons: channel, night duty, when received and registered, by whom --------------------

    def _day_moment(self, day: date, low: float, high: float) -> datetime:
        """A moment between fractions `low` and `high` of the office day."""
        seconds = int(self.rng.uniform(low, high) * self.table.day_seconds)
        return datetime.combine(day, self.table.office.start) + timedelta(seconds=seconds)

    def office_moment(self, day: date) -> datetime:
        return (
            self._day_moment(day, 0.02, 0.42) if _chance(self.rng, 0.6) else self._day_moment(day, 0.58, 0.98)
        )

    def _after_hours_moment(self, day: date) -> datetime:
        rng, office = self.rng, self.table.office
        if not self.table.is_workday(day):
            return datetime.combine(day, time(0, 10)) + timedelta(minutes=_randint(rng, 0, 1410))
        if _chance(rng, 0.65):
            start = datetime.combine(day, office.end) + timedelta(minutes=10)
            return start + timedelta(
                minutes=_randint(
                    rng, 0, max(1, int((datetime.combine(day, time(23, 50)) - start).seconds / 60))
                )
            )
        opening = datetime.combine(day, office.start)
        return opening - timedelta(minutes=_randint(rng, 20, max(21, opening.hour * 60 - 10)))

    def _received(self, day: date, channel: str, night: bool) -> datetime:
        if night:
            return self._after_hours_moment(day)
        if channel in ("online", "email"):
            if _chance(self.rng, 0.7):
                return datetime.combine(day, time(8)) + timedelta(minutes=_randint(self.rng, 0, 14 * 60))
            return self._after_hours_moment(day)
        workday = day if self.table.is_workday(day) else self.table.add_workdays(day, 1)[0]
        if channel == "letter":
            return self._day_moment(workday, 0.05, 0.3)
        return self.office_moment(workday)

    def _registration(self, channel: str, night: bool, received: datetime) -> tuple[datetime, str]:
        rng = self.rng
        if night:
            return received + timedelta(minutes=_randint(rng, 3, 25)), "night_duty"
        desk = "clerk" if _chance(rng, 0.6) else "officer"
        if channel in PHONE_CHANNELS:
            return received + timedelta(minutes=_randint(rng, 2, 20)), desk
        if channel == "letter":
            return received + timedelta(minutes=_randint(rng, 30, 240)), desk
        if channel in ("online", "email") and self.table.is_after_hours(received):
            return self.table.at(self.table.ordinal(received) + _randint(rng, 300, 3 * 3600)), "officer"
        return received + timedelta(minutes=_randint(rng, 10, 120)), "officer"

    def _channel(self, features: frozenset[str], p_night: float) -> tuple[str, bool]:
        if "night" in features:
            return ("visit" if _chance(self.rng, 0.55) else "phone"), True
        channel = "visit" if "on_spot" in features else _CHANNEL_PICK.pick(self.rng)
        night = channel in PHONE_CHANNELS and "on_spot" not in features and _chance(self.rng, p_night)
        return channel, night

    def _history_skeleton(self, features: frozenset[str]) -> _Skeleton:
        span = HISTORY_DAYS - RECENT_DAYS - 1
        u = self.rng.random()
        x = (-1 + math.sqrt(1 + 0.96 * u)) / 0.4  # slowly rising complaint numbers
        day = self.now.date() - timedelta(days=HISTORY_DAYS) + timedelta(days=int(x * span))
        channel, night = self._channel(features, 0.077)
        received = self._received(day, channel, night)
        registered, registrar = self._registration(channel, night, received)
        return _Skeleton(channel, night, received, registered, registrar, None, features)

    def _recent_skeleton(self, target: str, features: frozenset[str]) -> _Skeleton:
        low, high = TARGETS[target][1]
        if "overdue" in features or (target == S.REGISTERED and _chance(self.rng, 0.15)):
            low, high = (7, 12) if target != S.REGISTERED else (2, 3)
        elif "amber" in features:
            low = high = 4
        if target == S.AWAITING_SIGNOFF and "on_spot" in features:
            low, high = 0, 3
        age = _randint(self.rng, low, high)
        channel, night = self._channel(features, 0.077 if target == S.REGISTERED else 0.04)
        while True:
            day = self.table.workday_before(self.last_office_day, age)
            received = self._received(day, channel, night)
            registered, registrar = self._registration(channel, night, received)
            if registered <= self.now - timedelta(minutes=10):
                return _Skeleton(channel, night, received, registered, registrar, target, features)
            age += 1

    def _random_features(self, table: Mapping[str, float]) -> frozenset[str]:
        chosen = {name for name, p in table.items() if self.rng.random() < p}
        if "extension" in chosen:
            chosen.discard("extension")
            chosen.add("extension_approved" if _chance(self.rng, 0.85) else "extension_refused")
        return frozenset(chosen)

    def _skeletons(self, n: int) -> list[_Skeleton]:
        recent = min(n, max(round(n * 0.05), len(RECENT_COVERAGE) + min(n // 4, 150)))
        skeletons = []
        for i in range(n):
            if i < recent:
                if i < len(RECENT_COVERAGE):
                    target, features = RECENT_COVERAGE[i]
                else:
                    target, features = _TARGET_PICK.pick(self.rng), self._random_features(RECENT_FEATURES)
                skeletons.append(self._recent_skeleton(target, features))
            else:
                k = i - recent
                features = (
                    HISTORY_COVERAGE[k]
                    if k < len(HISTORY_COVERAGE)
                    else self._random_features(HISTORY_FEATURES)
                )
                skeletons.append(self._history_skeleton(features))
        skeletons.sort(key=lambda s: s.registered_at)
        return skeletons

    # -- people, category, narrative --------------------------------------------------------------

    def _leaf(self, severity: str) -> CategoryLeaf:
        if self.major_leaves and (severity == "major" or (severity == "serious" and _chance(self.rng, 0.4))):
            return _one(self.rng, self.major_leaves)
        return _one(self.rng, self.leaves_by_family[self.family_pick.pick(self.rng)])

    def _people(self, relation: str, today: date, complainant: Person | None) -> tuple[Person, Person]:
        rng = self.rng
        if relation == "self":
            person = complainant or make_person(rng, int(rng.triangular(18, 90, 52)), today)
            return person, person
        if relation == "child":  # the complainant is the patient's son or daughter
            patient_age = _randint(rng, 58, 93)
            complainant = complainant or make_person(rng, max(18, patient_age - _randint(rng, 22, 38)), today)
            male = _chance(rng, 0.5)
            shared = complainant.name[0] if male and complainant.male and _chance(rng, 0.9) else ""
            return complainant, make_person(rng, patient_age, today, male, shared)
        if relation == "parent":  # the patient is a child
            patient_age = _randint(rng, 0, 16)
            complainant = complainant or make_person(rng, patient_age + _randint(rng, 22, 40), today)
            shared = complainant.name[0] if complainant.male and _chance(rng, 0.9) else ""
            return complainant, make_person(rng, patient_age, today, None, shared)
        complainant = complainant or make_person(rng, _randint(rng, 22, 85), today)
        if relation == "spouse":
            age = max(18, (today - complainant.birth).days // 365 + _randint(rng, -5, 5))
            return complainant, make_person(rng, age, today, not complainant.male)
        return complainant, make_person(rng, _randint(rng, 18, 90), today)

    @staticmethod
    def _unsuitable(child: bool, male: bool) -> frozenset[str]:
        """Departments a patient is not seen in: 儿科 for adults, 妇产科 for men and children."""
        return frozenset({"obgyn"} if child or male else set()) | (
            {"pediatrics"} if not child else frozenset()
        )

    def _profile(self, sk: _Skeleton, severity: str, complainant: Person | None) -> Profile:
        rng = self.rng
        relation = "self" if complainant is not None and _chance(rng, 0.6) else _RELATION_PICK.pick(rng)
        complainant, patient = self._people(relation, sk.received_at.date(), complainant)
        leaf = self._leaf(severity)
        family = leaf.path.split(" / ")[0]
        visit = ""
        if family not in NON_CLINICAL_FAMILIES or _chance(rng, 0.4):
            default = self.departments[leaf.default_department_code]
            child = (sk.received_at.date() - patient.birth).days < 18 * 365
            unsuitable = self._unsuitable(child, patient.male)
            if child and "pediatrics" in self.departments and _chance(rng, 0.7):
                visit = "pediatrics"
            elif default.kind == "clinical" and default.code not in unsuitable:
                visit = default.code
            else:
                visit = _one(
                    rng, [d for d in self.clinical if d.code not in unsuitable] or self.clinical
                ).code
        record = ""
        if _chance(rng, 0.65 if visit else 0.15):
            inpatient = leaf.name in INPATIENT_LEAVES or _chance(rng, 0.25)
            record = record_number(rng, inpatient, sk.received_at.year)
        return Profile(complainant, patient, relation, leaf, visit, record)

    def _context(
        self, sk: _Skeleton, profile: Profile, visit_date: date, source: str, reference: str, source_dept: str
    ) -> dict[str, Any]:
        kin = _kinship(profile.relation, profile.complainant, profile.patient)
        first_person = sk.channel in OPENINGS_FIRST and not sk.night
        if first_person:
            we = "我" if profile.relation == "self" else "我们"
        else:
            we = "投诉人" if profile.relation == "self" else _one(self.rng, ("家属", "投诉人"))
        return {
            "profile": profile,
            "rel_label": RELATIONS[profile.relation],
            "rel_self": kin.rel_self,
            "who": kin.first if first_person else kin.third,
            "we": we,
            "first_person": first_person,
            "dept_name": self.departments[profile.visit_department].name if profile.visit_department else "",
            "visit_date": visit_date,
            "received_at": sk.received_at,
            "source_label": TRANSFER_SOURCES.get(source, ""),
            "reference": reference,
            "source_department_name": self.departments[source_dept].name if source_dept else "",
        }

    def _narrative(self, sk: _Skeleton, slots: _Slots, repeat: bool, reject_reason: str) -> str:
        rng, ctx = self.rng, slots.ctx
        leaf: CategoryLeaf = ctx["profile"].leaf
        family = leaf.path.split(" / ")[0]
        if repeat:
            opening = REPEAT_OPENING
        elif ctx["first_person"]:
            opening = _one(rng, OPENINGS_FIRST[sk.channel])
        else:
            opening = _one(rng, OPENINGS_THIRD[f"night_{sk.channel}" if sk.night else sk.channel])
        own = ctx["profile"].relation == "self"
        for candidates in (LEAF_TEMPLATES.get(leaf.name), FAMILY_TEMPLATES.get(family), GENERIC_TEMPLATES):
            core = [t for t in candidates or () if not (own and t.companion)]
            if core:
                break
        pieces = [opening, _one(rng, core), *_some(rng, DETAILS, _DETAIL_COUNT.pick(rng))]
        if reject_reason:
            pieces.append(REJECTION_ADDENDA[reject_reason])
        if _chance(rng, 0.7):
            pieces.append(_one(rng, CLOSINGS_FIRST if ctx["first_person"] else CLOSINGS_THIRD))
        text = "".join(t.render(rng, slots) for t in pieces)
        if _chance(rng, 0.02):  # a few very long letters
            goal = _randint(rng, 1000, 2600)
            text += LONG_SUPPLEMENT.render(rng, slots)
            while len(text) < goal:
                text += _one(rng, DETAILS).render(rng, slots)
        while len(text) < 80:
            text += _one(rng, DETAILS).render(rng, slots)
        return text

    def _transfer(self, channel: str, received: datetime) -> tuple[str, str]:
        if channel != "transfer":
            return "", ""
        source = _TRANSFER_PICK.pick(self.rng)
        self.reference_serial += 1
        serial = self.reference_serial
        reference = {
            "hotline_12345": f"12345-{received:%Y%m%d}-{_randint(self.rng, 1, 9999):04d}",
            "health_commission": f"宁卫转〔{received.year}〕{serial % 900 + 1}号",
            "hotline_12320": f"12320{received:%Y%m%d}{_randint(self.rng, 1, 999):03d}",
            "petition": f"XF{received:%Y}{serial:06d}",
            "other": f"转办〔{received.year}〕{serial % 500 + 1}号",
        }[source]
        return source, reference

    def _form(
        self, sk: _Skeleton, profile: Profile, severity: str, repeat: bool, reject_reason: str
    ) -> tuple[IntakeForm, _Slots]:
        rng, person = self.rng, profile.complainant
        channel = sk.channel
        back = 0 if _chance(rng, 0.4) else _randint(rng, 1, 7) if _chance(rng, 0.6) else _randint(rng, 8, 60)
        visit_date = max(sk.received_at.date() - timedelta(days=back), profile.patient.birth)
        source, reference = self._transfer(channel, sk.received_at)
        source_dept = (
            (profile.visit_department or _one(rng, self.clinical).code) if channel == "internal" else ""
        )
        ctx = self._context(sk, profile, visit_date, source, reference, source_dept)
        slots = _Slots(self, rng, ctx)
        content = self._narrative(sk, slots, repeat, reject_reason)
        family = profile.leaf.path.split(" / ")[0]
        demands = (
            _one(rng, DEMANDS.get(family, GENERIC_DEMANDS)).render(rng, slots) if _chance(rng, 0.88) else ""
        )
        p_phone, p_id, p_address = {
            "visit": (1.0, 0.6, 0.4),
            "phone": (1.0, 0.15, 0.1),
            "letter": (0.7, 0.3, 1.0),
            "online": (0.75, 0.1, 0.05),
            "email": (0.4, 0.05, 0.05),
            "transfer": (0.85, 0.2, 0.3),
            "internal": (0.8, 0.1, 0.1),
        }[channel]
        if sk.night:
            p_phone, p_id, p_address = 1.0, 0.3, 0.1
        if repeat:  # a complainant coming back gives the number the office knows them by
            p_phone = 1.0
        phone = person.phone if _chance(rng, p_phone) else ""
        email = (
            email_for(rng, person)
            if channel == "email" or (channel == "online" and _chance(rng, 0.1))
            else ""
        )
        online = (
            f"微信用户{person.name[0]}{_randint(rng, 100, 99999)}"
            if channel == "online" and not phone
            else ""
        )
        form = IntakeForm(
            channel=channel,
            content=content,
            received_at=sk.received_at,
            complainant_name=person.name if channel != "email" or _chance(rng, 0.8) else "",
            relation=profile.relation,
            complainant_phone=phone,
            complainant_id_number=person.id_number if _chance(rng, p_id) else "",
            complainant_address=person.address if _chance(rng, p_address) else "",
            complainant_email=email,
            complainant_online_account=online,
            transfer_source=source,
            transfer_reference=reference,
            source_department=source_dept,
            patient_name=profile.patient.name,
            patient_record_no=profile.record_no,
            visit_department=profile.visit_department,
            visit_date=visit_date if profile.visit_department else None,
            category=profile.leaf.code,
            severity=severity,
            demands=demands,
        )
        return form, slots

    # -- merges and links -----------------------------------------------------------------------

    def _earlier(self, registered_at: datetime, fits: Callable[[CasePlan], bool]) -> CasePlan | None:
        """A random earlier case of the last 30 days for which `fits` holds (or None)."""
        times = self.recent_times
        low = bisect.bisect_left(times, registered_at - self.MERGE_WINDOW)
        high = bisect.bisect_left(times, registered_at)
        for _ in range(min(40, high - low)):
            plan = self.recent[self.rng.randrange(low, high)]
            if fits(plan):
                return plan
        return None

    def _merge_target(self, registered_at: datetime) -> CasePlan | None:
        latest_merge = self.table.at(self.table.ordinal(registered_at) + 17 * 3600)
        return self._earlier(registered_at, lambda p: p.final_at is None or p.final_at > latest_merge)

    def _link_target(self, registered_at: datetime) -> CasePlan | None:
        return self._earlier(registered_at, lambda p: not p.restricted)

    # -- one case ---------------------------------------------------------------------------------

    def _outcome(self, sk: _Skeleton) -> str:
        f, rng = sk.features, self.rng
        if sk.target is not None:
            if sk.target == S.REJECTED:
                return "reject" if _chance(rng, 0.7) else "reject_accepted"
            if sk.target == S.MERGED:
                return "merge"
            return "on_spot" if "on_spot" in f else "normal"
        for name in ("reject", "merge", "on_spot", "unresolvable"):
            if name in f:
                return name
        u = rng.random()
        if u < 0.045:
            return "reject" if _chance(rng, 0.7) else "reject_accepted"
        if u < 0.065:
            return "merge"
        if u < 0.075:
            return "unresolvable"
        if sk.channel in PHONE_CHANNELS and not sk.night and u < 0.075 + 0.15:
            return "on_spot"
        return "normal"

    def _plan(self, index: int, sk: _Skeleton) -> CasePlan:
        rng = self.rng
        outcome = self._outcome(sk)
        merge_into = self._merge_target(sk.registered_at) if outcome == "merge" else None
        if outcome == "merge" and merge_into is None:
            outcome = "normal"
            if sk.target == S.MERGED:
                sk.target = S.REGISTERED
        link = None
        if "link" in sk.features and merge_into is None and sk.registrar != "night_duty":
            link = self._link_target(sk.registered_at)
        if merge_into is not None:
            profile = merge_into.profile
            severity = merge_into.form.severity
        else:
            severity = _SEVERITY_PICK.pick(rng)
            profile = self._profile(sk, severity, link.profile.complainant if link else None)
        reject_reason = _REJECTION_PICK.pick(rng) if outcome.startswith("reject") else ""
        form, slots = self._form(sk, profile, severity, merge_into is not None, reject_reason)
        life = _Life(self, sk, slots, outcome, reject_reason, merge_into.index if merge_into else None)
        steps = life.run()
        year = sk.received_at.year
        self.sequences[year] = self.sequences.get(year, 0) + 1
        plan = CasePlan(index, form, sk.registrar, steps, profile, (year, self.sequences[year]))
        if link is not None:
            plan.link_to, plan.link_key = link.index, link.key
        plan.final_at = next((s.at for s in steps if s.state in FINAL), None)
        plan.restricted = any(s.kind == "restrict" for s in steps)
        if merge_into is not None:
            merge = next((s for s in steps if s.kind == "merge"), None)
            if merge is not None:
                merge.data.update(into=merge_into.index, into_key=merge_into.key)
                data = {"from": index, "from_key": plan.key, "note": merge.data["note"]}
                merge_into.inject(Step(merge.at, "merged_in", "officer", data, ""))
        return plan

    def plans(self, n: int) -> Iterator[CasePlan]:
        """The plans in registration order (the order of case numbers)."""
        if n <= 0:
            return
        self.recent, self.recent_times = [], []
        written = 0
        for index, sk in enumerate(self._skeletons(n)):
            plan = self._plan(index, sk)
            self.recent.append(plan)
            self.recent_times.append(plan.registered_at)
            while self.recent_times[written] < plan.registered_at - self.BUFFER:
                yield self.recent[written]
                written += 1
            if written > 5000:  # drop what has been handed out
                del self.recent[:written], self.recent_times[:written]
                written = 0
        yield from self.recent[written:]


class _Life:
    """Plans the steps of one case from registration to its outcome (or, for a recent case, to its
    target state), with realistic delays in office time."""

    def __init__(
        self,
        gen: DemoGenerator,
        sk: _Skeleton,
        slots: _Slots,
        outcome: str,
        reject_reason: str,
        merge_into: int | None,
    ) -> None:
        self.gen, self.sk, self.slots, self.outcome = gen, sk, slots, outcome
        self.rng, self.table = gen.rng, gen.table
        self.features = sk.features
        self.reject_reason = reject_reason
        self.merge_into = merge_into
        self.state: str = S.REGISTERED
        self.steps = [Step(sk.registered_at, "register", sk.registrar, {}, S.REGISTERED)]
        self.t = self.table.ordinal(sk.registered_at)
        self.assignments: list[str] = []  # department code per planned assignment
        self.open: list[int] = []
        self.extensions = 0
        self.profile: Profile = slots.ctx["profile"]

    # -- time -------------------------------------------------------------------------------------

    def later(self, low_hours: float, high_hours: float) -> None:
        self.t += max(60, int(self.rng.uniform(low_hours, high_hours) * 3600))

    def workdays(self, low: int, high: int) -> None:
        self.t += _randint(self.rng, low, high) * self.table.day_seconds + _randint(self.rng, 60, 7200)

    def emit(self, kind: str, actor: str, state: str | None = None, **data: Any) -> None:
        if state is not None:
            self.state = state
        self.steps.append(Step(self.table.at(self.t), kind, actor, data, self.state))

    def render(self, templates: Sequence[Template], **extra: str) -> str:
        self.slots.update(extra)
        return _one(self.rng, templates).render(self.rng, self.slots)

    def staff_name(self, code: str) -> str:
        titles = DEPARTMENT_TITLES.get(self.gen.departments[code].kind, DEPARTMENT_TITLES["administrative"])
        birth_year = self.gen.now.year - _randint(self.rng, 28, 58)
        return _one(self.rng, titles) + person_name(self.rng, _chance(self.rng, 0.5), birth_year)

    # -- the script -------------------------------------------------------------------------------

    def run(self) -> list[Step]:
        try:
            self._script()
        except _Stop:
            pass
        if self.sk.target is not None:
            self._fit_target()
        cutoff = bisect.bisect_right([s.at for s in self.steps], self.gen.now)
        return self.steps[:cutoff]

    def _script(self) -> None:
        f, outcome = self.features, self.outcome
        if "attachment" in f:
            self._attachment()
        if outcome == "merge":
            self.later(0.3, 12)
            self.emit("merge", "officer", S.MERGED, into=self.merge_into, note=_one(self.rng, MERGE_NOTES))
            return
        if outcome == "on_spot":
            self.later(0.1, 0.6)
            resolution = self.render(ON_SPOT)
            self.emit("resolve_on_spot", "officer", S.AWAITING_SIGNOFF, resolution=resolution)
            self._sign_off()
            return
        self._wait_for_acceptance()
        if outcome == "reject":
            self._reject()
            return
        self.emit("accept", "officer", S.ACCEPTED, note=_one(self.rng, ACCEPT_NOTES))
        if "restricted" in f:
            self.later(0.3, 8)
            self.emit("restrict", "manager", named=["officer"])
        if outcome == "reject_accepted":
            self.later(1, 12)
            self._reject()
            return
        if "note" in f:
            self.later(0.5, 6)
            self.emit("note", "officer", note=self.render(NOTES))
        self._department_round(first=True)
        if outcome == "unresolvable":
            self.later(2, 30)
            self.emit(
                "sign_off",
                "manager",
                S.CLOSED,
                close_kind="unresolvable",
                reason=_one(self.rng, UNRESOLVABLE_REASONS),
            )
            self._archive()
            return
        route = ""
        first = True
        while True:
            self._draft_and_approval(first)
            self.later(0.5, 16)
            method = _one(self.rng, REPLY_METHOD_BY_CHANNEL[self.sk.channel])
            self.emit("reply", "officer", S.REPLIED, method=method, note=self.render(REPLY_NOTES))
            self.workdays(2, 6)
            satisfaction, result = self._satisfaction(first)
            route = ROUTE_PICK.pick(self.rng) if result == "external" else ""
            self.emit(
                "follow_up",
                "officer",
                S.IN_PROGRESS if result == "reopen" else S.AWAITING_SIGNOFF,
                method=FOLLOWUP_METHOD_PICK.pick(self.rng),
                satisfaction=satisfaction,
                remarks=self.render(FOLLOWUP_REMARKS[satisfaction]),
                outcome=result,
                route=route,
            )
            if result != "reopen":
                break
            first = False
            self._department_round(first=False)
        self._sign_off(route)

    def _attachment(self) -> None:
        name = _one(self.rng, ATTACHMENT_NAMES)
        data = self.slots.ctx["profile"].leaf.path.encode() if name.endswith(".txt") else _PNG
        at = self.steps[-1].at + timedelta(minutes=_randint(self.rng, 2, 12))
        self.steps.append(
            Step(
                at, "attachment", self.sk.registrar, {"filename": name, "data": data, "note": ""}, self.state
            )
        )
        self.t = max(self.t, self.table.ordinal(at))

    def _wait_for_acceptance(self) -> None:
        if self.table.is_after_hours(self.steps[-1].at):
            self.later(0.05, 2.5)  # next opening time: the ordinal already points there
        else:
            self.later(0.1, 3)
            if self.sk.target is None and _chance(self.rng, 0.06):
                self.workdays(1, 3)

    def _reject(self) -> None:
        reason = self.reject_reason
        self.emit(
            "reject",
            "officer",
            S.REJECTED,
            reason=reason,
            note=REJECTION_NOTES[reason].render(self.rng, self.slots),
        )
        self._archive()

    def _satisfaction(self, first: bool) -> tuple[str, str]:
        f = self.features
        if first and "reopen" in f:
            return "dissatisfied", "reopen"
        if first and "external" in f:
            return "dissatisfied", "external"
        satisfaction = SATISFACTION_PICK.pick(self.rng)
        if satisfaction != "dissatisfied":
            return satisfaction, "signoff"
        u = self.rng.random()
        if first and u < 0.35 and self.sk.target is None:
            return satisfaction, "reopen"
        return satisfaction, "external" if u < 0.6 else "signoff"

    def _send(self, codes: list[str]) -> None:
        questions = self.render(QUESTIONS)
        first = len(self.assignments)
        self.assignments.extend(codes)
        self.open.extend(range(first, len(self.assignments)))
        self.emit("assign", "officer", S.IN_PROGRESS, departments=codes, questions=questions)
        for i in range(first, len(self.assignments)):
            if _chance(self.rng, 0.85):
                self.later(0.2, 4)
                self.emit("acknowledge", "officer", assignment=i, by=self.staff_name(self.assignments[i]))

    def _other_department(self) -> str:
        """Where a returned assignment goes instead: the visit department or another office."""
        taken = {self.assignments[i] for i in self.open} | {self.profile.leaf.default_department_code}
        admin = [d.code for d in self.gen.admin_departments]
        choices = [self.profile.visit_department, *_some(self.rng, admin, min(5, len(admin)))]
        return next((c for c in choices if c and c not in taken), None) or next(
            c for c in self.gen.departments if c not in taken
        )

    def _department_round(self, first: bool) -> None:
        f, rng = self.features, self.rng
        self.later(0.3, 6)
        primary = self.profile.leaf.default_department_code
        codes = [primary]
        visit = self.profile.visit_department
        if first and "amber" not in f and visit and visit != primary and _chance(rng, 0.2):
            codes.append(visit)
        if not first:
            codes = [_one(rng, [primary, visit] if visit and visit != primary else [primary])]
        self._send(codes)
        if first and "reroute" in f:
            self.later(0.5, 8)
            returned = self.open.pop(0)
            other = self._other_department()
            reason = self.render(RETURN_REASONS, other=self.gen.departments[other].name)
            self.emit("return", "officer", assignment=returned, reason=reason, reroute=[other])
            self._send_rerouted(other)
        if first and "hold" in f:
            self.later(1, 12)
            self.emit("hold", "officer", reason=self.render(HOLD_REASONS))
            self.workdays(1, 8)
            self.emit("resume", "officer", note=_one(rng, RESUME_NOTES))
        if first and "hold_open" in f and self.sk.target is None:
            self.later(1, 12)
            self.emit("hold", "officer", reason=self.render(HOLD_REASONS))
            raise _Stop  # waiting for material that never comes
        if first:
            self._extension()
        for i in list(self.open):
            if _chance(rng, 0.8):
                self.workdays(0, 2)
                self.later(1, 6)
            else:
                self.workdays(3, 7)
            self.open.remove(i)
            response = self.render(RESPONSES[FINDING_PICK.pick(rng)])
            self.emit(
                "respond",
                "officer",
                S.IN_PROGRESS if self.open else S.DRAFTING,
                assignment=i,
                response=response,
                responder=self.staff_name(self.assignments[i]),
            )

    def _send_rerouted(self, code: str) -> None:
        """The re-routed assignment was created by the return itself; record its acknowledgement."""
        self.assignments.append(code)
        self.open.append(len(self.assignments) - 1)
        if _chance(self.rng, 0.85):
            self.later(0.2, 4)
            self.emit(
                "acknowledge", "officer", assignment=len(self.assignments) - 1, by=self.staff_name(code)
            )

    def _extension(self) -> None:
        f = self.features
        wanted = {"extension_approved", "extension_refused", "extension_pending"} & f
        if not wanted:
            return
        self.later(1, 16)
        index = self.extensions
        self.extensions += 1
        workdays = _one(self.rng, (3, 5, 5, 10))
        self.emit(
            "request_extension",
            "officer",
            workdays=workdays,
            reason=self.render(EXTENSION_REASONS),
            extension=index,
        )
        if "extension_pending" in f:
            return
        self.later(1, 16)
        approve = "extension_approved" in f
        note = _one(self.rng, ("同意延期。", "")) if approve else _one(self.rng, EXTENSION_REFUSALS)
        self.emit("decide_extension", "manager", extension=index, approve=approve, note=note)

    def _draft(self) -> None:
        rng = self.rng
        finding = FINDING_PICK.pick(rng)
        family = self.profile.leaf.path.split(" / ")[0]
        compensation = None
        if (
            finding in ("upheld", "partly_upheld")
            and family in ("医疗费用", "医保政策")
            and _chance(rng, 0.7)
        ):
            compensation = f"{_randint(rng, 2, 300) * 5}.00"
        elif finding == "upheld" and family == "医疗质量" and _chance(rng, 0.25):
            compensation = f"{_randint(rng, 4, 100) * 500}.00"
        self.slots["response"] = self.render(RESPONSES[finding])
        rectification = (
            "\n".join(_some(rng, RECTIFICATIONS, _randint(rng, 1, 3))) if finding != "not_upheld" else ""
        )
        self.emit(
            "draft",
            "officer",
            S.DRAFTING,
            facts=FACTS.render(rng, self.slots),
            finding=finding,
            resolution=self.render(RESOLUTIONS[finding]),
            compensation=compensation,
            rectification=rectification,
        )

    def _draft_and_approval(self, first: bool) -> None:
        self.later(1, 16)
        self._draft()
        self.later(0.5, 8)
        self.emit("submit", "officer", S.PENDING_APPROVAL)
        if first and "return_draft" in self.features:
            self.later(0.5, 16)
            self.emit("return_draft", "manager", S.DRAFTING, comment=_one(self.rng, RETURN_COMMENTS))
            self.later(1, 12)
            self._draft()
            self.later(0.5, 4)
            self.emit("submit", "officer", S.PENDING_APPROVAL)
        self.later(0.5, 16)
        self.emit("approve", "manager", S.APPROVED, comment=_one(self.rng, APPROVAL_COMMENTS))

    def _sign_off(self, route: str = "") -> None:
        self.workdays(0, 3)
        self.later(0.5, 8)
        self.emit("sign_off", "manager", S.CLOSED, close_kind="resolved", reason="")
        if route and _chance(self.rng, 0.6):
            self.workdays(10, 60)
            outcome = ROUTE_OUTCOMES[route].render(self.rng, self.slots)
            self.emit("external_route", "officer", route=0, status="concluded", outcome=outcome)
        self._archive()

    def _archive(self) -> None:
        """Closed cases are archived in quarterly batches."""
        if not _chance(self.rng, 0.8):
            return
        closed = self.steps[-1].at.date()
        quarter_month = (closed.month - 1) // 3 * 3 + 4
        year = closed.year + (quarter_month > 12)
        batch = date(year, (quarter_month - 1) % 12 + 1, 1) + timedelta(days=_randint(self.rng, 3, 20))
        if batch > self.table.last:
            return
        workday = batch if self.table.is_workday(batch) else self.table.add_workdays(batch, 1)[0]
        self.t = max(self.t, self.table.ordinal(self.gen.office_moment(workday)))
        self.emit("archive", "manager")

    # -- recent cases: stop in the target state, inside the time available --------------------

    def _fit_target(self) -> None:
        target, steps = self.sk.target, self.steps
        entered = next((i for i, s in enumerate(steps) if s.state == target), None)
        if entered is not None:
            if target in FINAL:
                end = entered + 1
            else:
                end = next(
                    (j for j in range(entered + 1, len(steps)) if steps[j].state != target), len(steps)
                )
            del steps[end:]
        if "hold_open" in self.features and steps[-1].state not in FINAL:
            self.t = self.table.ordinal(steps[-1].at)
            self.later(0.5, 8)
            self.emit("hold", "officer", reason=self.render(HOLD_REASONS))
            steps[-1].state = steps[-2].state
        fixed = 1 + (len(steps) > 1 and steps[1].kind == "attachment")
        if len(steps) <= fixed:
            return
        base = max(self.table.ordinal(s.at) for s in steps[:fixed])
        last = self.table.ordinal(steps[-1].at)
        limit = self.gen.now_ord - 600
        if last <= limit:
            return
        if base >= limit:
            del steps[fixed:]
            return
        factor = (limit - base) / (last - base)
        for s in steps[fixed:]:
            s.at = self.table.at(base + int((self.table.ordinal(s.at) - base) * factor))


# ============================================================================ the service path

DEMO_ROLES = ("officer", "manager", "clerk", "night_duty")


class _ServiceRunner:
    """Runs plan steps through the real services, one session per demo role."""

    def __init__(self, session: Session, usernames: Mapping[str, str]) -> None:
        self.sessions = {
            role: replace(session, user=auth.current_user(usernames[role]), slots=None, db_key=None)
            for role in DEMO_ROLES
        }
        self.usernames = usernames
        self.case_ids: dict[int, int] = {}
        self.assignment_ids: dict[int, list[int]] = {}
        self.extension_ids: dict[tuple[int, int], int] = {}

    def run(self, plan: CasePlan, step: Step) -> None:
        getattr(self, "_" + step.kind)(self.sessions[step.actor], plan, step.data)

    def _case(self, plan: CasePlan) -> int:
        return self.case_ids[plan.index]

    def _assignment(self, plan: CasePlan, index: int) -> int:
        return self.assignment_ids[plan.index][index]

    def _refresh_assignments(self, plan: CasePlan) -> None:
        rows = (
            Assignment.select(Assignment.id)
            .where(Assignment.case == self._case(plan))
            .order_by(Assignment.id)
        )
        self.assignment_ids[plan.index] = [r.id for r in rows]

    def _register(self, session: Session, plan: CasePlan, data: dict) -> None:
        links = [self.case_ids[plan.link_to]] if plan.link_to is not None else []
        self.case_ids[plan.index] = intake.register(session, replace(plan.form, link_to=links)).case_id

    def _attachment(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.add_attachment(session, self._case(plan), data["filename"], data["data"], data["note"])

    def _accept(self, session: Session, plan: CasePlan, data: dict) -> None:
        transitions.accept(session, self._case(plan), data["note"])

    def _reject(self, session: Session, plan: CasePlan, data: dict) -> None:
        transitions.reject(session, self._case(plan), data["reason"], data["note"])

    def _resolve_on_spot(self, session: Session, plan: CasePlan, data: dict) -> None:
        transitions.resolve_on_spot(session, self._case(plan), data["resolution"])

    def _assign(self, session: Session, plan: CasePlan, data: dict) -> None:
        routing.assign(session, self._case(plan), data["departments"], data["questions"])
        self._refresh_assignments(plan)

    def _acknowledge(self, session: Session, plan: CasePlan, data: dict) -> None:
        routing.acknowledge(session, self._assignment(plan, data["assignment"]), data["by"])

    def _respond(self, session: Session, plan: CasePlan, data: dict) -> None:
        routing.respond(
            session, self._assignment(plan, data["assignment"]), data["response"], data["responder"]
        )

    def _return(self, session: Session, plan: CasePlan, data: dict) -> None:
        routing.return_assignment(
            session, self._assignment(plan, data["assignment"]), data["reason"], data["reroute"]
        )
        self._refresh_assignments(plan)

    def _hold(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.hold(session, self._case(plan), data["reason"])

    def _resume(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.resume(session, self._case(plan), data["note"])

    def _request_extension(self, session: Session, plan: CasePlan, data: dict) -> None:
        row_id = overlays.request_extension(session, self._case(plan), data["workdays"], data["reason"])
        self.extension_ids[(plan.index, data["extension"])] = row_id

    def _decide_extension(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.decide_extension(
            session, self.extension_ids[(plan.index, data["extension"])], data["approve"], data["note"]
        )

    def _restrict(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.restrict(session, self._case(plan), True, [self.usernames[r] for r in data["named"]])

    def _merge(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.merge(session, self._case(plan), self.case_ids[data["into"]], data["note"])

    def _merged_in(self, session: Session, plan: CasePlan, data: dict) -> None:
        """Written by the merge service on the other case."""

    def _draft(self, session: Session, plan: CasePlan, data: dict) -> None:
        transitions.save_draft(
            session,
            self._case(plan),
            facts=data["facts"],
            finding=data["finding"],
            resolution=data["resolution"],
            compensation=data["compensation"],
            rectification=data["rectification"],
        )

    def _submit(self, session: Session, plan: CasePlan, data: dict) -> None:
        transitions.submit_for_approval(session, self._case(plan))

    def _approve(self, session: Session, plan: CasePlan, data: dict) -> None:
        transitions.approve(session, self._case(plan), data["comment"])

    def _return_draft(self, session: Session, plan: CasePlan, data: dict) -> None:
        transitions.return_draft(session, self._case(plan), data["comment"])

    def _reply(self, session: Session, plan: CasePlan, data: dict) -> None:
        transitions.record_reply(session, self._case(plan), data["method"], note=data["note"])

    def _follow_up(self, session: Session, plan: CasePlan, data: dict) -> None:
        transitions.follow_up(
            session,
            self._case(plan),
            method=data["method"],
            satisfaction=data["satisfaction"],
            remarks=data["remarks"],
            outcome=data["outcome"],
            external_route=data["route"],
        )

    def _external_route(self, session: Session, plan: CasePlan, data: dict) -> None:
        routes = ExternalRoute.select(ExternalRoute.id).where(ExternalRoute.case == self._case(plan))
        route_id = list(routes.order_by(ExternalRoute.id))[data["route"]].id
        transitions.update_external_route(session, route_id, data["status"], data["outcome"])

    def _sign_off(self, session: Session, plan: CasePlan, data: dict) -> None:
        transitions.sign_off(session, self._case(plan), data["close_kind"], data["reason"])

    def _archive(self, session: Session, plan: CasePlan, data: dict) -> None:
        transitions.archive(session, self._case(plan))

    def _note(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.add_note(session, self._case(plan), data["note"])


class _FixedClock:
    """A clock standing still at the moment of the step being run."""

    def __init__(self) -> None:
        self.at = datetime.now()

    def __call__(self) -> datetime:
        return self.at


def fill_with_services(
    session: Session,
    plans: Iterable[CasePlan],
    *,
    usernames: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    steps_per_transaction: int = 400,
) -> int:
    """Run every planned step through the services, all cases' steps in time order; returns the
    number of cases. The clock stands at each step's moment while it runs."""
    plans = list(plans)
    runner = _ServiceRunner(session, usernames or {role: role for role in DEMO_ROLES})
    order = sorted((step.at, plan.index, i) for plan in plans for i, step in enumerate(plan.steps))
    by_index = {plan.index: plan for plan in plans}
    fixed = _FixedClock()
    restore = clock._now  # the clock in force before (tests may have set one)
    clock.set_clock(fixed)
    registered = 0
    try:
        for start in range(0, len(order), steps_per_transaction):
            with database_proxy.atomic():
                for at, index, i in order[start : start + steps_per_transaction]:
                    fixed.at = at
                    plan = by_index[index]
                    runner.run(plan, plan.steps[i])
                    registered += i == 0
            if progress:
                progress(registered, len(plans))
    finally:
        clock.set_clock(restore)
    return len(plans)


# ============================================================================ the bulk path


@dataclass
class DatabaseFacts:
    """What the replay needs to know about the target database (plain data, picklable)."""

    prefix: str
    rules: DeadlineRules
    users: dict[str, tuple[int, str]]  # role -> (user id, display name)
    departments: dict[str, tuple[int, str]]  # code -> (id, name)
    categories: dict[str, tuple[int, str]]  # leaf code -> (id, path)
    reasons: dict[str, str]
    routes: dict[str, str]
    counters: dict[int, int] = field(default_factory=dict)  # year -> last sequence already used
    first_case_id: int = 1
    first_complainant_id: int = 1
    first_attachment_id: int = 1
    departments_by_id: dict[int, str] = field(init=False)

    def __post_init__(self) -> None:
        self.departments_by_id = {dept_id: name for dept_id, name in self.departments.values()}


@dataclass
class Rows:
    """Rows for one chunk of cases, per table, in insertion order."""

    complainants: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    followups: list[dict] = field(default_factory=list)
    extensions: list[dict] = field(default_factory=list)
    routes: list[dict] = field(default_factory=list)
    access: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    fts: list[tuple] = field(default_factory=list)
    counters: dict[int, int] = field(default_factory=dict)  # year -> last sequence number

    def __len__(self) -> int:
        return len(self.cases)


class _CaseReplay:
    """One case's rows as the services would have written them (see `_Replay`)."""

    __slots__ = ("case", "assignments", "events", "extensions", "routes", "department_ids")

    def __init__(self, case: dict) -> None:
        self.case = case
        self.assignments: list[dict] = []
        self.events: list[tuple] = []
        self.extensions: list[dict] = []
        self.routes: list[dict] = []
        self.department_ids: set[int] = set()


class _Replay:
    """Replays plans into rows, mirroring app.cases' services: the same field changes, due dates
    (through `WorkdayTable`), timeline wording and sequence numbers."""

    def __init__(self, facts: DatabaseFacts, table: WorkdayTable, seed: int) -> None:
        self.facts, self.table, self.rules = facts, table, facts.rules
        self.rng = random.Random(seed ^ 0x5EED)
        self.counters: dict[int, int] = {}
        self.next_attachment = facts.first_attachment_id

    def case_id(self, index: int) -> int:
        return self.facts.first_case_id + index

    def case_no(self, key: tuple[int, int]) -> str:
        year, sequence = key
        return f"{self.facts.prefix}-{year}-{self.facts.counters.get(year, 0) + sequence:06d}"

    def replay(self, plans: Iterable[CasePlan]) -> Rows:
        rows = Rows()
        for plan in plans:
            self._replay(plan, rows)
        rows.counters = dict(self.counters)
        return rows

    # -- helpers --------------------------------------------------------------------------------

    def _reply_due(self, r: _CaseReplay) -> None:
        departments = {a["department"] for a in r.assignments if a["state"] != AssignmentState.RETURNED}
        total = (
            self.rules.reply_workdays_for(len(departments))
            + r.case["extension_workdays"]
            + r.case["paused_workdays"]
        )
        r.case["reply_due"], r.case["due_provisional"] = self.table.add_workdays(
            r.case["received_at"].date(), total
        )

    def _event(
        self,
        r: _CaseReplay,
        at: datetime,
        actor: int,
        action: str,
        summary: str,
        note: str = "",
        attachment: int | None = None,
    ) -> None:
        r.events.append((r.case["id"], len(r.events) + 1, at, actor, action, summary, note, attachment))

    def _operation(self, r: _CaseReplay, step: Step) -> int:
        """The bookkeeping of case_operation: version, updated_at/by. Returns the actor's id."""
        actor = self.facts.users[step.actor][0]
        r.case["version"] += 1
        r.case["updated_at"], r.case["updated_by"] = step.at, actor
        return actor

    def _send(self, r: _CaseReplay, step: Step, actor: int, codes: list[str], questions: str) -> None:
        due, provisional = self.table.add_workdays(step.at.date(), self.rules.department_reply_workdays)
        names = []
        for code in codes:
            dept_id, name = self.facts.departments[code]
            names.append(name)
            r.department_ids.add(dept_id)
            r.assignments.append(
                {
                    "case": r.case["id"],
                    "department": dept_id,
                    "state": AssignmentState.SENT,
                    "questions": questions,
                    "sent_at": step.at,
                    "sent_by": actor,
                    "due": due,
                    "due_provisional": provisional,
                    "acknowledged_at": None,
                    "acknowledged_by": "",
                    "responded_at": None,
                    "response": "",
                    "responder": "",
                    "returned_at": None,
                    "return_reason": "",
                }
            )
        r.case["state"] = S.IN_PROGRESS
        self._reply_due(r)
        self._event(
            r, step.at, actor, step.kind, f"转办至 {'、'.join(names)}，科室反馈期限 {due:%Y-%m-%d}", questions
        )

    def _department_name(self, assignment: dict) -> str:
        return self.facts.departments_by_id[assignment["department"]]

    # -- one plan ------------------------------------------------------------------------------

    def _replay(self, plan: CasePlan, rows: Rows) -> None:
        r = self._register(plan, rows)
        for step in plan.steps[1:]:
            if step.kind == "merged_in":
                other = self.case_no(step.data["from_key"])
                self._event(
                    r,
                    step.at,
                    self.facts.users[step.actor][0],
                    "merge",
                    f"合并重复投诉 {other}",
                    step.data["note"],
                )
                continue
            actor = self._operation(r, step)
            getattr(self, "_" + step.kind)(r, step, actor, rows)
        c = r.case
        rows.cases.append(c)
        rows.assignments.extend(r.assignments)
        rows.events.extend(r.events)
        rows.extensions.extend(r.extensions)
        rows.routes.extend(r.routes)
        form = plan.form
        if form.visit_department:
            r.department_ids.add(self.facts.departments[form.visit_department][0])
        departments = " ".join(self.facts.departments_by_id[i] for i in sorted(r.department_ids))
        people = " ".join(p for p in (form.complainant_name, form.patient_name) if p)
        category = self.facts.categories[form.category][1] if form.category else ""
        rows.fts.append(
            (c["id"], c["case_no"], people, f"{c['content']}\n{c['demands']}", departments, category)
        )

    def _register(self, plan: CasePlan, rows: Rows) -> _CaseReplay:
        form, step = plan.form, plan.steps[0]
        facts, table = self.facts, self.table
        actor = facts.users[plan.registrar][0]
        received = form.received_at.replace(microsecond=0)
        case_no = self.case_no(plan.key)
        year, sequence = plan.key
        self.counters[year] = facts.counters.get(year, 0) + sequence
        case_id = self.case_id(plan.index)
        complainant_id = facts.first_complainant_id + plan.index
        rows.complainants.append(
            {
                "id": complainant_id,
                "name": form.complainant_name,
                "relation": form.relation,
                "phone": form.complainant_phone,
                "id_number": form.complainant_id_number,
                "address": form.complainant_address,
                "email": form.complainant_email,
                "online_account": form.complainant_online_account,
            }
        )
        after_hours = table.is_after_hours(step.at)
        night = registers_as_night_duty(_RoleActor(plan.registrar), after_hours)
        if night or form.channel == "letter" or table.is_after_hours(received):
            accept_due = table.add_workdays(received.date(), self.rules.acceptance_next_workday)[0]
        else:
            accept_due = received.date()
        dept = facts.departments
        case = {
            "id": case_id,
            "case_no": case_no,
            "query_code": f"{self.rng.randrange(10**6):06d}",
            "state": S.REGISTERED,
            "version": 1,
            "channel": form.channel,
            "transfer_source": form.transfer_source,
            "transfer_reference": form.transfer_reference,
            "source_department": dept[form.source_department][0] if form.source_department else None,
            "received_at": received,
            "registered_at": step.at,
            "registered_by": actor,
            "night_intake": night,
            "complainant": complainant_id,
            "patient_name": form.patient_name,
            "patient_record_no": form.patient_record_no.upper(),
            "visit_department": dept[form.visit_department][0] if form.visit_department else None,
            "visit_date": form.visit_date,
            "category": facts.categories[form.category][0] if form.category else None,
            "severity": form.severity,
            "content": form.content.strip(),
            "demands": form.demands.strip(),
            "officer": None,
            "accept_due": accept_due,
            "reply_due": None,
            "due_provisional": False,
            "extension_workdays": 0,
            "on_hold": False,
            "hold_since": None,
            "hold_reason": "",
            "paused_workdays": 0,
            "restricted": False,
            "escalated_at": step.at if form.severity == "major" else None,
            "reroute_count": 0,
            "flagged": False,
            "reopen_count": 0,
            "facts": "",
            "finding": "",
            "resolution": "",
            "compensation_amount": None,
            "rectification": "",
            "approval_comment": "",
            "reply_method": "",
            "replied_at": None,
            "reject_reason": "",
            "merged_into": None,
            "closed_at": None,
            "closed_by": None,
            "close_kind": "",
            "close_reason": "",
            "archived": False,
            "updated_at": step.at,
            "updated_by": actor,
        }
        r = _CaseReplay(case)
        self._event(
            r,
            step.at,
            actor,
            "register",
            f"登记投诉（{CHANNELS[form.channel]}）" + ("，总值班夜间登记" if night else ""),
        )
        if case["escalated_at"]:
            self._event(r, step.at, actor, "register", "重大投诉，已即时上报院领导")
        if plan.link_to is not None:
            rows.links.append({"case": case_id, "other": self.case_id(plan.link_to), "note": "登记时关联"})
            self._event(r, step.at, actor, "register", f"关联既往案件 {self.case_no(plan.link_key)}")
        return r

    # -- steps (named after the plan's step kinds) -----------------------------------------------

    def _attachment(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        data: bytes = step.data["data"]
        name = step.data["filename"]
        attachment_id = self.next_attachment
        self.next_attachment += 1
        rows.attachments.append(
            {
                "id": attachment_id,
                "case": r.case["id"],
                "filename": name,
                "mime_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
                "note": step.data["note"],
                "added_at": step.at,
                "added_by": actor,
            }
        )
        self._event(r, step.at, actor, "attachment", f"添加附件：{name}", step.data["note"], attachment_id)

    def _accept(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c = r.case
        c["state"] = S.ACCEPTED
        c["officer"] = c["officer"] or actor
        self._reply_due(r)
        summary = f"受理投诉，答复期限 {c['reply_due']:%Y-%m-%d}" + (
            "（暂定）" if c["due_provisional"] else ""
        )
        self._event(r, step.at, actor, "accept", summary, step.data["note"])

    def _reject(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, code = r.case, step.data["reason"]
        c["state"], c["reject_reason"] = S.REJECTED, code
        c["closed_at"], c["closed_by"] = step.at, actor
        self._event(r, step.at, actor, "reject", f"不予受理：{self.facts.reasons[code]}", step.data["note"])

    def _resolve_on_spot(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c = r.case
        c["state"], c["resolution"] = S.AWAITING_SIGNOFF, step.data["resolution"]
        c["officer"] = c["officer"] or actor
        self._event(r, step.at, actor, "resolve_on_spot", "当场解决，待销项", step.data["resolution"])

    def _assign(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        self._send(r, step, actor, step.data["departments"], step.data["questions"])

    def _acknowledge(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        a, by = r.assignments[step.data["assignment"]], step.data["by"]
        a.update(state=AssignmentState.ACKNOWLEDGED, acknowledged_at=step.at, acknowledged_by=by)
        self._event(
            r,
            step.at,
            actor,
            "acknowledge",
            f"{self._department_name(a)} 已签收" + (f"（{by}）" if by else ""),
        )

    def _respond(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        a, data = r.assignments[step.data["assignment"]], step.data
        a.update(
            state=AssignmentState.RESPONDED,
            responded_at=step.at,
            response=data["response"],
            responder=data["responder"],
            acknowledged_at=a["acknowledged_at"] or step.at,
        )
        who = f"（{data['responder']}）" if data["responder"] else ""
        self._event(r, step.at, actor, "respond", f"{self._department_name(a)} 已反馈{who}", data["response"])
        if not any(x["state"] in (AssignmentState.SENT, AssignmentState.ACKNOWLEDGED) for x in r.assignments):
            r.case["state"] = S.DRAFTING
            self._event(r, step.at, actor, "respond", "科室反馈已全部收到，进入拟定答复")

    def _return(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, a, data = r.case, r.assignments[step.data["assignment"]], step.data
        a.update(state=AssignmentState.RETURNED, returned_at=step.at, return_reason=data["reason"])
        c["reroute_count"] += 1
        self._event(r, step.at, actor, "return", f"{self._department_name(a)} 退回转办", data["reason"])
        if c["reroute_count"] > 3 and not c["flagged"]:
            c["flagged"] = True
            self._event(r, step.at, actor, "return", f"已退回改派 {c['reroute_count']} 次，提请主任关注")
        if data["reroute"]:
            self._send(r, step, actor, data["reroute"], a["questions"])
        else:
            self._reply_due(r)

    def _hold(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case.update(on_hold=True, hold_since=step.at, hold_reason=step.data["reason"])
        self._event(r, step.at, actor, "hold", "暂停办理（待补充材料），时限暂停计算", step.data["reason"])

    def _resume(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c = r.case
        paused = max(0, self.table.workdays_between(c["hold_since"].date(), step.at.date()))
        c["paused_workdays"] += paused
        c.update(on_hold=False, hold_since=None, hold_reason="")
        if c["reply_due"]:
            self._reply_due(r)
        self._event(
            r, step.at, actor, "resume", f"恢复办理，暂停 {paused} 个工作日，时限相应顺延", step.data["note"]
        )

    def _request_extension(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        data = step.data
        r.extensions.append(
            {
                "case": r.case["id"],
                "workdays": data["workdays"],
                "reason": data["reason"],
                "requested_at": step.at,
                "requested_by": actor,
                "state": "pending",
                "decided_at": None,
                "decided_by": None,
                "decision_note": "",
            }
        )
        self._event(
            r, step.at, actor, "request_extension", f"申请延期 {data['workdays']} 个工作日", data["reason"]
        )

    def _decide_extension(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, x, data = r.case, r.extensions[step.data["extension"]], step.data
        x.update(
            state="approved" if data["approve"] else "refused",
            decided_at=step.at,
            decided_by=actor,
            decision_note=data["note"],
        )
        if data["approve"]:
            c["extension_workdays"] += x["workdays"]
            if c["reply_due"]:
                self._reply_due(r)
            summary = f"批准延期 {x['workdays']} 个工作日，答复期限顺延至 {c['reply_due']:%Y-%m-%d}"
        else:
            summary = "不同意延期"
        self._event(r, step.at, actor, "decide_extension", summary, data["note"])

    def _restrict(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case["restricted"] = True
        named = [self.facts.users[role] for role in step.data["named"]]
        rows.access.extend({"case": r.case["id"], "user": user_id} for user_id, _ in named)
        note = ("可查看：" + "、".join(name for _, name in named)) if named else ""
        self._event(r, step.at, actor, "restrict", "设为保密案件", note)

    def _merge(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, into = r.case, step.data["into"]
        c.update(state=S.MERGED, merged_into=self.case_id(into), on_hold=False, hold_since=None)
        c["closed_at"], c["closed_by"] = step.at, actor
        self._event(
            r,
            step.at,
            actor,
            "merge",
            f"作为重复投诉合并至 {self.case_no(step.data['into_key'])}",
            step.data["note"],
        )

    def _draft(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, data = r.case, step.data
        first = not (c["facts"] or c["finding"] or c["resolution"])
        c.update(
            state=S.DRAFTING,
            facts=data["facts"],
            finding=data["finding"],
            resolution=data["resolution"],
            compensation_amount=Decimal(data["compensation"]) if data["compensation"] else None,
            rectification=data["rectification"],
        )
        note = f"投诉是否成立：{FINDINGS[data['finding']]}" if data["finding"] else ""
        self._event(r, step.at, actor, "draft", "开始拟定处理意见" if first else "修改处理意见", note)

    def _submit(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case["state"] = S.PENDING_APPROVAL
        self._event(r, step.at, actor, "submit", "提交主任审批")

    def _approve(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case.update(state=S.APPROVED, approval_comment=step.data["comment"])
        self._event(r, step.at, actor, "approve", "审批通过，待答复投诉人", step.data["comment"])

    def _return_draft(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case.update(state=S.DRAFTING, approval_comment=step.data["comment"])
        self._event(r, step.at, actor, "return_draft", "审批退回，请修改处理意见", step.data["comment"])

    def _reply(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        method = step.data["method"]
        r.case.update(state=S.REPLIED, reply_method=method, replied_at=step.at)
        self._event(r, step.at, actor, "reply", f"已{REPLY_METHODS[method]}投诉人，待回访", step.data["note"])

    def _follow_up(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, data = r.case, step.data
        rows.followups.append(
            {
                "case": c["id"],
                "at": step.at,
                "by": actor,
                "method": data["method"],
                "satisfaction": data["satisfaction"],
                "remarks": data["remarks"],
                "outcome": data["outcome"],
            }
        )
        summary = f"{FOLLOWUP_METHODS[data['method']]}回访：{SATISFACTIONS[data['satisfaction']]}"
        if data["outcome"] == "reopen":
            c["state"] = S.IN_PROGRESS
            c["reopen_count"] += 1
            summary += f"，重新处理（第 {c['reopen_count']} 次）"
        else:
            c["state"] = S.AWAITING_SIGNOFF
            if data["outcome"] == "external":
                r.routes.append(
                    {
                        "case": c["id"],
                        "route": data["route"],
                        "started_at": step.at,
                        "status": "ongoing",
                        "outcome": "",
                        "updated_at": step.at,
                    }
                )
                summary += f"，投诉人选择{self.facts.routes[data['route']]}"
            summary += "，待销项"
        self._event(r, step.at, actor, "follow_up", summary, data["remarks"])

    def _external_route(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        route, data = r.routes[step.data["route"]], step.data
        route.update(status=data["status"], outcome=data["outcome"], updated_at=step.at)
        state = "已结束" if data["status"] == "concluded" else "进行中"
        self._event(
            r,
            step.at,
            actor,
            "external_route",
            f"{self.facts.routes.get(route['route'], route['route'])}：{state}",
            data["outcome"],
        )

    def _sign_off(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, kind = r.case, step.data["close_kind"]
        c.update(
            state=S.CLOSED, on_hold=False, hold_since=None, close_kind=kind, close_reason=step.data["reason"]
        )
        c["closed_at"], c["closed_by"] = step.at, actor
        name = "sign_off" if kind == "resolved" else "close_unresolvable"
        self._event(r, step.at, actor, name, f"销项（{CLOSE_KINDS[kind]}）", step.data["reason"])

    def _archive(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case["archived"] = True
        self._event(r, step.at, actor, "archive", "归档")

    def _note(self, r: _CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        summary = "添加备注" if r.case["state"] not in FINAL else "补充更正说明"
        self._event(r, step.at, actor, "note", summary, step.data["note"])


@dataclass(frozen=True)
class _RoleActor:
    """A user with one demo role, for the policy's night-duty rule."""

    role: str

    @property
    def roles(self) -> frozenset[str]:
        return frozenset({self.role})


def database_facts(usernames: Mapping[str, str] | None = None) -> DatabaseFacts:
    """Ids, names and rules of the open database, for the replay."""
    usernames = usernames or {role: role for role in DEMO_ROLES}
    rows = {u.username: u for u in User.select().where(User.username.in_(list(usernames.values())))}
    prefix = settings.get("case_prefix")

    def next_id(model: type[peewee.Model]) -> int:
        return (model.select(peewee.fn.MAX(model.id)).scalar() or 0) + 1

    return DatabaseFacts(
        prefix=prefix,
        rules=calendar.rules(),
        users={role: (rows[name].id, rows[name].display_name) for role, name in usernames.items()},
        departments={d.code: (d.id, d.name) for d in Department.select().where(Department.active == True)},  # noqa: E712
        categories={
            c.code: (c.id, c.path) for c in Category.select(Category.id, Category.code, Category.path)
        },
        reasons={r.code: r.text for r in dictionaries.rejection_reasons()},
        routes={r.id: r.name for r in dictionaries.external_routes()},
        counters={c.year: c.last_seq for c in CaseCounter.select().where(CaseCounter.prefix == prefix)},
        first_case_id=next_id(Case),
        first_complainant_id=next_id(Complainant),
        first_attachment_id=next_id(Attachment),
    )


def _insert_many(model: Any, rows: Sequence[dict] | Sequence[tuple], names: Sequence[str] = ()) -> None:
    """Insert rows with one prepared statement (executemany): peewee's insert_many spends most of
    its time building SQL text for every row, several times the cost of the insert itself.
    Columns the rows leave out get the model's defaults."""
    if not rows:
        return
    given = tuple(names or rows[0])
    values: Iterable[tuple] = (
        rows if isinstance(rows[0], tuple) else (tuple(row[n] for n in given) for row in rows)
    )
    fields = model._meta.fields
    missing = [f for n, f in fields.items() if n not in given and not f.primary_key]
    names = [*given, *(f.name for f in missing)]
    if missing:
        extra = tuple(f.default() if callable(f.default) else f.default for f in missing)
        values = (row + extra for row in values)
    columns = ", ".join(f'"{fields[name].column_name}"' for name in names)
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({", ".join("?" * len(names))})'
    database_proxy.cursor().executemany(sql, values)


def _insert_rows(rows: Rows, prefix: str) -> None:
    """One transaction: every row of a chunk, the case counters and the text index."""
    with database_proxy.atomic():
        _insert_many(Complainant, rows.complainants)
        _insert_many(Case, rows.cases)
        _insert_many(Attachment, rows.attachments)
        _insert_many(Assignment, rows.assignments)
        _insert_many(Extension, rows.extensions)
        _insert_many(ExternalRoute, rows.routes)
        _insert_many(FollowUp, rows.followups)
        _insert_many(CaseAccess, rows.access)
        _insert_many(CaseLink, rows.links)
        _insert_many(
            CaseEvent, rows.events, ("case", "seq", "at", "actor", "action", "summary", "note", "attachment")
        )
        for year, last in rows.counters.items():
            CaseCounter.insert(prefix=prefix, year=year, last_seq=last).on_conflict(
                conflict_target=[CaseCounter.prefix, CaseCounter.year],
                update={CaseCounter.last_seq: peewee.fn.MAX(CaseCounter.last_seq, last)},
            ).execute()
        if is_sqlite(database_proxy.obj):
            trigram_sql, chars_sql = insert_rows_sql()
            database_proxy.cursor().executemany(trigram_sql, rows.fts)
            database_proxy.cursor().executemany(chars_sql, [char_row(row) for row in rows.fts])


@dataclass(frozen=True)
class BulkSpec:
    """Everything the bulk generation needs, as plain data (it may run in another process)."""

    n: int
    seed: int
    now: datetime
    departments: tuple[dictionaries.Department, ...]
    leaves: tuple[CategoryLeaf, ...]
    overrides: dict[date, bool]
    office: OfficeHours
    facts: DatabaseFacts
    chunk: int = 2000

    def table(self) -> WorkdayTable:
        first, last = table_span(self.now)
        return WorkdayTable(WorkCalendar(self.overrides), first, last, self.office)


def bulk_rows(spec: BulkSpec) -> Iterator[Rows]:
    """Plan and replay the cases chunk by chunk."""
    table = spec.table()
    generator = DemoGenerator(
        seed=spec.seed, now=spec.now, departments=spec.departments, leaves=spec.leaves, table=table
    )
    replay = _Replay(spec.facts, table, spec.seed)
    pending: list[CasePlan] = []
    for plan in generator.plans(spec.n):
        pending.append(plan)
        if len(pending) >= spec.chunk:
            yield replay.replay(pending)
            pending.clear()
    if pending:
        yield replay.replay(pending)


def _bulk_worker(spec: BulkSpec, queue: Any) -> None:
    """Child process: generate the rows and hand them over (None at the end, or the error text)."""
    try:
        for rows in bulk_rows(spec):
            queue.put(rows)
        queue.put(None)
    except BaseException:
        queue.put(traceback.format_exc())


def _rows_from_worker(spec: BulkSpec) -> Iterator[Rows]:
    """Generate in a second process while this one writes (the 2-core budget of the benchmark)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=4)
    worker = context.Process(target=_bulk_worker, args=(spec, queue), daemon=True)
    worker.start()
    try:
        while True:
            item = queue.get()
            if item is None:
                break
            if isinstance(item, str):
                raise RuntimeError(f"demo data generation failed:\n{item}")
            yield item
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()


def bulk_spec(
    n: int, seed: int = DEFAULT_SEED, usernames: Mapping[str, str] | None = None, chunk: int = 2000
) -> BulkSpec:
    """The bulk generation's inputs, read from the open database."""
    generator = generator_for_database(seed)
    return BulkSpec(
        n=n,
        seed=seed,
        now=generator.now,
        departments=tuple(generator.departments.values()),
        leaves=tuple(category_leaves()),
        overrides=dict(calendar.calendar().overrides),
        office=calendar.office_hours(),
        facts=database_facts(usernames),
        chunk=chunk,
    )


def fill_bulk(
    session: Session,
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    usernames: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> int:
    """Plan, replay and insert `n` cases in chunks of 2,000 (one transaction each); returns n.

    `parallel` (default: above 20,000 cases) generates in a second process while this one writes.
    Local (SQLCipher) databases only: rows are written as they are, without the client-side
    field encryption of shared mode.
    """
    if not is_sqlite(database_proxy.obj) or current_cipher() is not None:
        raise ValueError("the bulk path writes local databases only")
    spec = bulk_spec(n, seed, usernames)
    chunks = _rows_from_worker(spec) if (parallel if parallel is not None else n > 20000) else bulk_rows(spec)
    done = 0
    db = database_proxy.obj
    db.execute_sql("PRAGMA cache_size = -131072")  # 128 MB while loading
    try:
        for rows in chunks:
            _insert_rows(rows, spec.facts.prefix)
            done += len(rows)
            if progress:
                progress(done, n)
        with database_proxy.atomic():
            audit.record(session.user.username, "demo.generated", f"{done} 件", {"cases": done, "seed": seed})
    finally:
        db.execute_sql("PRAGMA cache_size = -2000")
    return done


# ============================================================================ entry point


def table_span(now: datetime) -> tuple[date, date]:
    """The dates a demo's working-day table covers: its history and the deadlines ahead."""
    return now.date() - timedelta(days=HISTORY_DAYS + 60), now.date() + timedelta(days=400)


def workday_table(now: datetime) -> WorkdayTable:
    """The open database's calendar as a table (see `table_span`)."""
    return WorkdayTable(calendar.calendar(), *table_span(now), calendar.office_hours())


def generator_for_database(seed: int = DEFAULT_SEED, now: datetime | None = None) -> DemoGenerator:
    """A generator using the open database's departments, category dictionary and calendar."""
    now = (now or clock.now()).replace(microsecond=0)
    departments = [
        dictionaries.Department(d.code, d.name, d.kind)
        for d in Department.select().where(Department.active == True).order_by(Department.id)  # noqa: E712
    ]
    return DemoGenerator(
        seed=seed, now=now, departments=departments, leaves=category_leaves(), table=workday_table(now)
    )


def fill_demo_cases(
    session: Session,
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    usernames: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    bulk: bool | None = None,
) -> int:
    """Fill the open database with `n` synthetic cases: through the services up to
    SERVICE_PATH_MAX cases, in bulk above (or as `bulk` says)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if bulk if bulk is not None else n > SERVICE_PATH_MAX:
        return fill_bulk(session, n, seed=seed, usernames=usernames, progress=progress)
    plans = generator_for_database(seed).plans(n)
    return fill_with_services(session, plans, usernames=usernames, progress=progress)
