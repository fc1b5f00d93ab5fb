"""Files that must be refused with one clear sentence, importing nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from bqw_desktop.errors import UserError
from bqw_desktop.excel import reader
from bqw_desktop.excel.reader import read_table_file
from bqw_desktop.excel.sites_sheet import parse_site_file


def resolve(text: str) -> list[str]:
    return ["430104"] if text == "岳麓区" else []


def good_workbook(rows: int = 3) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["名称", "类型", "县市区"])
    for i in range(rows):
        ws.append([f"第{i}村党支部", "村党支部", "岳麓区"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rewrite_member(data: bytes, member: str, change: callable) -> bytes:  # type: ignore[valid-type]
    """The same zip with one member's text changed."""
    src = zipfile.ZipFile(io.BytesIO(data))
    assert member in src.namelist()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == member:
                content = change(content.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, content)
    return out.getvalue()


BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
              for i in range(1, 10))
    + "]>\n"
)
EXTERNAL_ENTITY = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')


def with_dtd(data: bytes, dtd: str, entity: str) -> bytes:
    """The workbook with a DTD in its sheet, one cell's text replaced by the entity."""
    def change(xml: str) -> str:
        body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
        assert "第0村党支部" in body
        return dtd + body.replace("第0村党支部", f"&{entity};", 1)

    return rewrite_member(data, "xl/worksheets/sheet1.xml", change)


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True
    from openpyxl.xml import functions

    assert functions.fromstring.__module__.startswith("defusedxml")
    assert functions.iterparse.__module__.startswith("defusedxml")


@pytest.mark.parametrize(("dtd", "entity"), [(BILLION_LAUGHS, "lol9"), (EXTERNAL_ENTITY, "xxe")])
def test_xml_entities_are_refused(tmp_path: Path, dtd: str, entity: str) -> None:
    path = tmp_path / "实体.xlsx"
    path.write_bytes(with_dtd(good_workbook(), dtd, entity))
    with pytest.raises(UserError, match="实体.xlsx.*(DOCTYPE|实体)"):
        parse_site_file(path, resolve_region=resolve)


@pytest.mark.parametrize(("dtd", "entity"), [(BILLION_LAUGHS, "lol9"), (EXTERNAL_ENTITY, "xxe")])
def test_defusedxml_alone_also_refuses_entities(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                dtd: str, entity: str) -> None:
    """Without our own pre-check the parser itself must refuse them, clearly."""
    monkeypatch.setattr(reader, "_check_zip", lambda name, data: None)
    path = tmp_path / "实体.xlsx"
    path.write_bytes(with_dtd(good_workbook(), dtd, entity))
    with pytest.raises(UserError, match="XML 实体"):
        read_table_file(path)


def test_compression_bomb_is_refused(tmp_path: Path) -> None:
    data = rewrite_member(good_workbook(), "xl/worksheets/sheet1.xml",
                          lambda xml: xml.replace("</worksheet>", "<!--" + " " * 20_000_000 + "--></worksheet>"))
    path = tmp_path / "炸弹.xlsx"
    path.write_bytes(data)
    assert path.stat().st_size < 200_000
    with pytest.raises(UserError, match="压缩炸弹"):
        read_table_file(path)


def test_total_uncompressed_size_is_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED_BYTES", 2_000)
    path = tmp_path / "大.xlsx"
    path.write_bytes(good_workbook())
    with pytest.raises(UserError, match="解压后过大"):
        read_table_file(path)


def test_file_size_is_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1_000)
    path = tmp_path / "大.xlsx"
    path.write_bytes(good_workbook())
    with pytest.raises(UserError, match="太大"):
        read_table_file(path)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_huge_sheet_is_refused_and_nothing_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  suffix: str) -> None:
    monkeypatch.setattr(reader, "MAX_ROWS", 50)
    path = tmp_path / f"长{suffix}"
    if suffix == ".xlsx":
        path.write_bytes(good_workbook(rows=60))
    else:
        path.write_text("名称,类型,县市区\n" + "某村党支部,村党支部,岳麓区\n" * 60, encoding="utf-8")
    with pytest.raises(UserError, match="超过 50 行"):
        parse_site_file(path, resolve_region=resolve)


def test_too_many_columns_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_COLUMNS", 10)
    wb = openpyxl.Workbook()
    wb.active.append(list(range(20)))
    path = tmp_path / "宽.xlsx"
    wb.save(path)
    with pytest.raises(UserError, match="超过 10 列"):
        read_table_file(path)


def test_empty_rows_far_below_do_not_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Formatting down to row 5,000 is not data; the row limit counts rows with values."""
    monkeypatch.setattr(reader, "MAX_ROWS", 100)
    wb = openpyxl.load_workbook(io.BytesIO(good_workbook()))
    wb.active.cell(row=5000, column=1).number_format = "@"
    path = tmp_path / "格式.xlsx"
    wb.save(path)
    assert len(parse_site_file(path, resolve_region=resolve).rows) == 3


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.mark.parametrize(("name", "content", "pattern"), [
    ("名单.xlsx", PNG, "PNG 图片"),
    ("名单.xlsx", b"%PDF-1.4\n...", "PDF"),
    ("名单.xlsx", "名称,类型\n甲,村\n".encode(), "扩展名是 .xlsx.*纯文本"),
    ("名单.xls", "<html><body><table><tr><td>名称</td></tr></table></body></html>".encode(), "网页"),
    ("名单.xls", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
     "XML"),
    ("名单.xlsx", b"", "空的"),
    ("名单.xlsx", b"PK\x03\x04" + b"\x00" * 50, "损坏"),
    ("名单.csv", PNG, "PNG"),
    ("名单.doc", "名称\n".encode(), "不是支持的表格文件"),
])
def test_content_not_what_the_name_says(tmp_path: Path, name: str, content: bytes, pattern: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserError, match=pattern):
        read_table_file(path)


def test_word_document_named_xlsx(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    path = tmp_path / "通知.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(UserError, match="Word 文档"):
        read_table_file(path)


def test_broken_workbook_is_refused_not_crashed(tmp_path: Path) -> None:
    data = rewrite_member(good_workbook(), "xl/workbook.xml", lambda xml: xml[: len(xml) // 2])
    path = tmp_path / "坏.xlsx"
    path.write_bytes(data)
    with pytest.raises(UserError, match="坏.xlsx.*损坏"):
        read_table_file(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="找不到文件"):
        read_table_file(tmp_path / "没有.xlsx")
    with pytest.raises(UserError, match="文件夹"):
        read_table_file(tmp_path)
