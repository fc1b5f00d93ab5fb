"""Printed documents as PDF, built with reportlab from plain data (`printing.data`).

One module per document, each with `render_xxx(data, out, *, fonts=None, progress=None,
cancel=None)`: `nomination` (推荐表), `certificate` (证书 and 牌匾制作单, also in batches),
`inspection` (督查记录表), `dossier` (一点一档), `lists` (名单). Shared pieces: `fonts`
(bundled faces, user-chosen faces, per-character fallback), `layout` (GB/T 9704 page, CJK
line breaking, ruled tables), `qr` (certificate QR codes), `samples` (specimen data).
"""
