"""The notice as one self-contained HTML page: inline CSS, lang=zh-CN, no script.

Laid out with an autoescaping Jinja environment, so data text always shows as text."""

from __future__ import annotations

from jinja2 import Environment

from ..notice import Notice

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ notice.title }}</title>
<style>
body { max-width: 46em; margin: 0 auto; padding: 1em; line-height: 1.8;
  font-family: "FangSong", "仿宋_GB2312", "Noto Serif CJK SC", serif; font-size: 1.1em; }
h1 { text-align: center; font-size: 1.5em; font-family: "方正小标宋简体", "Noto Serif CJK SC", serif; }
h2 { font-size: 1.1em; font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; }
p { text-indent: 2em; margin: 0.3em 0; overflow-wrap: anywhere; }
footer { margin-top: 1.8em; }
footer p { text-align: right; text-indent: 0; padding-right: 2em; }
@media print { body { max-width: none; padding: 0; } @page { size: A4; margin: 37mm 26mm 35mm 28mm; } }
</style>
</head>
<body>
<main>
<article>
<h1>{{ notice.title }}</h1>
<p>{{ notice.opening }}</p>
{% for section in notice.sections %}
<section>
<h2>{{ section.numeral }}、{{ section.title }}</h2>
{% for label, value in section.fields %}
<p>{{ label }}{{ p.colon }}{{ value }}</p>
{% endfor %}
<p>{{ section.progress_label }}{{ p.colon }}</p>
{% for measure in section.measures %}
<p>{{ measure.number }}.{{ measure.heading }}{% for item in measure.items %}{{ item.marker }}{{ item.text }}{% endfor %}{{ measure.text }}</p>
{% endfor %}
</section>
{% endfor %}
<footer>
{% for issuer in notice.issuers %}
<p>{{ issuer }}</p>
{% endfor %}
<p><time datetime="{{ notice.bulletin.date }}">{{ notice.date }}</time></p>
</footer>
</article>
</main>
</body>
</html>
"""

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_html(notice: Notice) -> str:
    """The page; every data string is HTML-escaped."""
    return _ENV.from_string(_PAGE).render(notice=notice, p=notice.p)
