"""Chinese words out of a question (jieba, its dictionary shipped in the package: nothing is
downloaded): the search mode's words (a long word and the shorter words inside it, so
"劳务费" also finds "劳务"), the product's own terms kept whole, and the words that carry no
meaning for a search (吗, 怎么, 我的, punctuation) left out."""

from __future__ import annotations

import functools
import logging
import re
import threading
from typing import Any

# words a person uses that a general dictionary cuts apart (the seeds' and the product's)
TERMS = (
    "评标专家", "专家库", "入库", "申报表", "评标专业", "回避单位", "执业资格", "职称证书",
    "继续教育", "学时", "补学", "劳务费", "专家费", "电子回单", "代扣", "个税", "个人所得税",
    "抽取", "补抽", "复评", "重新抽取", "退选", "验证码", "签到", "请假", "缺席", "现场回避",
    "履职记录", "信用分", "申诉", "处分", "注销", "解绑", "绑定", "异动", "续聘", "新聘",
    "培训费", "发票", "抬头", "退费", "小程序", "公众号", "人工客服", "客服", "审核进度",
    "公示", "撤回", "退回", "核验", "代理机构", "经办人", "法人", "招标人", "交易中心",
    "外库", "副场", "主场", "免确认", "零钱", "银行账户", "手机号", "身份证号", "密码",
)
# function words and question words: in every question, telling none apart
STOP = frozenset({
    "的", "了", "吗", "呢", "吧", "啊", "呀", "嘛", "么", "是", "在", "我", "我的", "你",
    "你们", "您", "他", "她", "它", "这", "那", "这个", "那个", "哪", "哪个", "哪里",
    "什么", "怎么", "怎么办", "怎样", "怎么样", "如何", "为什么", "为何", "能", "能不能",
    "可以", "可不可以", "可否", "会", "会不会", "要", "需要", "想", "请问", "请", "一下",
    "一个", "有", "有没有", "没有", "还", "还能", "就", "都", "也", "和", "与", "及", "或",
    "或者", "多少", "多久", "几", "几天", "是否", "不是", "了吗", "时候",
    "什么时候", "啥", "咋", "咋办", "谁", "给", "把", "被", "让", "对", "从", "到", "去",
    "来", "上", "下", "后", "前", "里", "中", "得", "地", "着", "过",
})
WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")

log = logging.getLogger(__name__)


@functools.cache
def _tokenizer() -> Any:
    """jieba's dictionary with the product's terms, read once per process (about a second;
    it never changes, so every app of the process shares it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for term in TERMS:
        tokenizer.add_word(term, freq=200_000)
    return tokenizer


class Segmenter:
    """Words of a text for the index and for a question (loading reads the dictionary, about
    a second the first time in a process: do it in a worker thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cut: Any = None

    def load(self) -> None:
        """Reads the dictionary (once)."""
        with self._lock:
            if self._cut is None:
                self._cut = _tokenizer().cut_for_search

    def words(self, text: str) -> list[str]:
        """The meaningful words of `text`, in order, lower-cased (repeats kept: they count)."""
        if self._cut is None:
            self.load()
        return [w.lower() for w in self._cut(text) if WORD.search(w) and w.lower() not in STOP]
