"""Chinese wording for argparse's own messages, so bad command lines get a clear Chinese answer."""

from __future__ import annotations

import argparse

_MESSAGES = {
    "usage: ": "用法：",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "show this help message and exit": "显示本帮助并退出",
    "positional arguments": "位置参数",
    "options": "选项",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可能是 %(matches)s",
    "one of the arguments %s is required": "必须提供以下参数之一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
}


def install() -> None:
    """Replace argparse's gettext hook with our table (falls back to the English text)."""
    argparse._ = lambda text: _MESSAGES.get(text, text)  # type: ignore[attr-defined]
    argparse.ngettext = lambda s, p, n: _MESSAGES.get(s if n == 1 else p, s if n == 1 else p)  # type: ignore[attr-defined]
