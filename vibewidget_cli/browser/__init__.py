"""Widgets in a real browser: the in-page anywidget front end (`page.html`, `model.js`), the
local server that serves it (`server`), synthetic trait values (`synthetic`), finding a
Chromium (`launch`) and the runtime check of a widget (`verify`).
"""
