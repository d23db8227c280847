"""The official account's custom menu; each click key has a handler in its flow's module.
`expertbot menu` pushes it to WeChat (the sandbox gets it at start-up)."""

from __future__ import annotations

from typing import Any


def menu(miniprogram_appid: str, public_url: str) -> list[dict[str, Any]]:
    return [
        {"name": "办事", "sub_button": [
            {"type": "click", "name": "审核进度", "key": "PROGRESS"},
            {"type": "click", "name": "考试", "key": "EXAM"},
            {"type": "click", "name": "缴费", "key": "PAY"},
        ]},
        {"name": "我的", "sub_button": [
            {"type": "click", "name": "我的信息", "key": "ME"},
            {"type": "click", "name": "绑定账户", "key": "BIND"},
            {"type": "click", "name": "意见反馈", "key": "FEEDBACK"},
            {"type": "click", "name": "使用帮助", "key": "HELP"},
            {"type": "view", "name": "帮助中心", "url": f"{public_url.rstrip('/')}/help"},
        ]},
        {"type": "miniprogram", "name": "小程序", "appid": miniprogram_appid,
         "pagepath": "pages/index/index", "url": public_url},
    ]
