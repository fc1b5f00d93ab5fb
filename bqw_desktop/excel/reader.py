"""Reading the table files offices keep: .xlsx (Excel, WPS), legacy .xls and .csv.

`read_table_file` decides by the file's content, not its name: a workbook saved as .xls but
named .xlsx (or the reverse) is read all the same, while a picture, a web page, a Word
document or an encrypted workbook is refused with one Chinese sentence saying what the file
is and what to do. Limits on size, rows and columns are checked before and while reading, and
.xlsx files are inspected as zip archives (uncompressed size, compression ratio, DOCTYPE /
ENTITY declarations) before openpyxl parses them — openpyxl then parses with defusedxml.

Cell values come back as Python values: str, int, float, bool, datetime, or None.
"""

from __future__ import annotations

import codecs
import csv
import io
import struct
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from bqw_desktop.errors import UserError

# Limits: generous for real registers (a province has ~15,000 sites), far below what would
# exhaust an old PC. Module-level so tests can lower them.
MAX_FILE_BYTES = 60 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_COMPRESSION_RATIO = 150  # per zip member above 1 MB; real sheets compress 5–30×
MAX_ZIP_MEMBERS = 5_000
MAX_ROWS = 100_000
MAX_COLUMNS = 300

XLSX = "xlsx"
XLS = "xls"
CSV = "csv"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXPECTED_BY_SUFFIX = {
    ".xlsx": XLSX, ".xlsm": XLSX, ".xltx": XLSX, ".xls": XLS, ".et": XLS,
    ".csv": CSV, ".txt": CSV, ".tsv": CSV,
}
_FORMAT_NAMES = {XLSX: "Excel 工作簿（.xlsx）", XLS: "Excel 97-2003 工作簿（.xls）", CSV: "文本表格（.csv）"}
_CONVERT_HINT = "请用 Excel 或 WPS 打开后“另存为” .xlsx 格式再导入"


@dataclass
class SheetData:
    """One worksheet's cell values.

    `rows[i]` is the sheet's row i + 1 (empty rows are empty tuples; trailing empty cells are
    dropped, so rows differ in length). `name` is the sheet's name (the file's stem for CSV).
    """

    file_name: str
    name: str
    rows: list[tuple[Any, ...]]
    hidden: bool = False
    source_format: str = XLSX
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        """The number of columns in use."""
        return max((len(r) for r in self.rows), default=0)

    def cell(self, row: int, column: int) -> Any:
        """The value at a 1-based row and 0-based column, None outside the data."""
        if not 1 <= row <= len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[column] if 0 <= column < len(values) else None


def read_table_file(path: str | Path) -> list[SheetData]:
    """Every worksheet of a table file, read by content; UserError for anything refused."""
    path = Path(path)
    data = _read_bytes(path)
    kind = sniff_format(path, data)
    if kind == XLSX:
        return _read_xlsx(path, data)
    if kind == XLS:
        return _read_xls(path, data)
    return [_read_csv(path, data)]


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError(f"文件 {path.name} 太大（{size / 1048576:.1f} MB，上限 "
                            f"{MAX_FILE_BYTES // 1048576} MB），请拆分后再导入。")
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"找不到文件 {path}。") from None
    except IsADirectoryError:
        raise UserError(f"{path} 是文件夹，不是表格文件。") from None
    except PermissionError:
        raise UserError(f"无法读取文件 {path.name}：没有权限，或文件正被其他程序（如 Excel）占用。") from None


# --- deciding what a file is ----------------------------------------------------------------

def sniff_format(path: Path, data: bytes) -> str:
    """XLSX, XLS or CSV by content; UserError naming what the file really is otherwise."""
    name = path.name
    expected = _EXPECTED_BY_SUFFIX.get(path.suffix.lower())
    if not data:
        raise UserError(f"文件 {name} 是空的。")
    if data.startswith(b"PK"):
        return _sniff_zip(name, data)
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(name, data)
    what = _binary_kind(data)
    if what:
        raise UserError(f"文件 {name} 的内容是{what}，不是表格文件，无法导入。")
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<meta", b"<head")):
        raise UserError(f"文件 {name} 其实是网页（HTML），只是扩展名像表格；{_CONVERT_HINT}。")
    if head.startswith(b"<?xml"):
        raise UserError(f"文件 {name} 是 XML 文件（可能是 Excel 2003 XML 表格），不能直接导入；"
                        f"{_CONVERT_HINT}。")
    if expected != CSV:
        if expected in (XLSX, XLS):
            raise UserError(f"文件 {name} 的扩展名是 {path.suffix}，但内容是纯文本，不是 Excel 工作簿；"
                            f"如果是 CSV 文件，请把扩展名改为 .csv。")
        raise UserError(f"文件 {name} 不是支持的表格文件（支持 .xlsx、.xls、.csv）。")
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UserError(f"文件 {name} 的扩展名是 {path.suffix}，但内容不是文本，无法导入。")
    return CSV


def _binary_kind(data: bytes) -> str | None:
    signatures = (
        (b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"), (b"GIF8", "GIF 图片"),
        (b"BM", "BMP 图片"), (b"%PDF", "PDF 文档"), (b"Rar!", "RAR 压缩包"),
        (b"7z\xbc\xaf", "7z 压缩包"), (b"\x1f\x8b", "gzip 压缩包"), (b"MZ", "可执行程序"),
        (b"{\\rtf", "RTF 文档"),
    )
    for magic, what in signatures:
        if data.startswith(magic):
            return what
    return None


def _sniff_zip(name: str, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise UserError(f"文件 {name} 已损坏（压缩结构不完整），无法读取。") from None
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return XLSX
    if any(n.startswith("word/") for n in names):
        raise UserError(f"文件 {name} 是 Word 文档，不是表格文件，无法导入。")
    if any(n.startswith("ppt/") for n in names):
        raise UserError(f"文件 {name} 是 PowerPoint 演示文稿，不是表格文件，无法导入。")
    if "mimetype" in names:
        raise UserError(f"文件 {name} 是 OpenDocument（WPS/LibreOffice）格式；{_CONVERT_HINT}。")
    raise UserError(f"文件 {name} 是一个压缩包，不是 Excel 工作簿，无法导入。")


def _sniff_ole(name: str, data: bytes) -> str:
    streams = ole_stream_names(data)
    if streams is None:
        raise UserError(f"文件 {name} 已损坏（复合文档结构不完整），无法读取。")
    lowered = {s.lower() for s in streams}
    if "encryptioninfo" in lowered or "encryptedpackage" in lowered:
        raise UserError(f"文件 {name} 已加密（设置了打开密码），无法读取；"
                        "请先在 Excel 或 WPS 中取消密码并保存，再导入。")
    if "workbook" in lowered or "book" in lowered:
        return XLS
    if "worddocument" in lowered:
        raise UserError(f"文件 {name} 是 Word 97-2003 文档，不是表格文件，无法导入。")
    if "powerpoint document" in lowered:
        raise UserError(f"文件 {name} 是 PowerPoint 演示文稿，不是表格文件，无法导入。")
    raise UserError(f"文件 {name} 是不认识的 Office 复合文档，不是 Excel 工作簿，无法导入。")


def ole_stream_names(data: bytes) -> list[str] | None:
    """The names in an OLE2 compound file's directory, or None if it cannot be parsed."""
    from xlrd.compdoc import CompDoc, CompDocError

    try:
        doc = CompDoc(data, logfile=io.StringIO())
    except (CompDocError, ValueError, IndexError, KeyError, struct.error):
        return None
    return [entry.name for entry in doc.dirlist if entry.name]


# --- .xlsx ------------------------------------------------------------------------------------

def _check_zip(name: str, data: bytes) -> None:
    """Refuse archives that would blow up when decompressed, and XML with DTDs in it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UserError(f"文件 {name} 内部文件过多（{len(members)} 个），"
                            "不像正常的 Excel 工作簿，已拒绝。")
        total = 0
        for info in members:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > MAX_UNCOMPRESSED_BYTES or (info.file_size > 1_048_576
                                                   and ratio > MAX_COMPRESSION_RATIO):
                raise UserError(f"文件 {name} 解压后过大（可能是“压缩炸弹”），已拒绝导入。")
        for info in members:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                with archive.open(info) as member:
                    head = member.read(2048)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise UserError(f"文件 {name} 含有不允许的 XML 声明（DOCTYPE/ENTITY），"
                                    "可能是恶意构造的文件，已拒绝导入。")


def _read_xlsx(path: Path, data: bytes) -> list[SheetData]:
    import openpyxl
    from defusedxml import DefusedXmlException

    _check_zip(path.name, data)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about data validation extensions, default styles etc.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return [_xlsx_sheet(path.name, ws) for ws in workbook.worksheets]
            finally:
                workbook.close()
    except DefusedXmlException:
        raise UserError(f"文件 {path.name} 含有不允许的 XML 实体或外部引用，可能是恶意构造的文件，"
                        "已拒绝导入。") from None
    except UserError:
        raise
    # A damaged or odd workbook can fail anywhere inside openpyxl; these are the ways it does.
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, IndexError,
            ParseError, EOFError, OSError) as exc:
        if _caused_by(exc, DefusedXmlException):  # openpyxl wraps parser errors in ValueError
            raise UserError(f"文件 {path.name} 含有不允许的 XML 实体或外部引用，可能是恶意构造的文件，"
                            "已拒绝导入。") from None
        raise UserError(f"文件 {path.name} 已损坏或不是有效的 Excel 工作簿，无法读取；"
                        f"{_CONVERT_HINT}。") from None


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _xlsx_sheet(file_name: str, ws: Any) -> SheetData:
    ws.reset_dimensions()  # trust the cells, not the (often wrong) stored dimension
    rows: list[tuple[Any, ...]] = []
    pending_empty = 0
    filled = 0
    for values in ws.iter_rows(values_only=True):
        values = _trim(values)
        if not values:
            pending_empty += 1
            continue
        filled += 1
        _check_limits(file_name, ws.title, filled, len(values))
        if pending_empty:
            rows.extend([()] * pending_empty)
            pending_empty = 0
        rows.append(values)
    hidden = getattr(ws, "sheet_state", "visible") != "visible"
    return SheetData(file_name, ws.title, rows, hidden=hidden, source_format=XLSX)


def _trim(values: tuple[Any, ...]) -> tuple[Any, ...]:
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return tuple(values[:end]) if end != len(values) else tuple(values)


def _check_limits(file_name: str, sheet: str, rows: int, columns: int) -> None:
    if rows > MAX_ROWS:
        raise UserError(f"文件 {file_name} 工作表 {sheet} 超过 {MAX_ROWS} 行，太大，请拆分后再导入。")
    if columns > MAX_COLUMNS:
        raise UserError(f"文件 {file_name} 工作表 {sheet} 超过 {MAX_COLUMNS} 列，不像名单表，已拒绝导入。")


# --- .xls -------------------------------------------------------------------------------------

def _read_xls(path: Path, data: bytes) -> list[SheetData]:
    import xlrd

    log = io.StringIO()  # xlrd prints warnings to stdout otherwise
    try:
        book = xlrd.open_workbook(file_contents=data, logfile=log, on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise UserError(f"文件 {path.name} 已加密（设置了打开密码），无法读取；"
                            "请先在 Excel 或 WPS 中取消密码并保存，再导入。") from None
        raise UserError(f"文件 {path.name} 已损坏或不是有效的 .xls 工作簿；{_CONVERT_HINT}。") from None
    except (ValueError, IndexError, KeyError, AssertionError, struct.error, EOFError):
        raise UserError(f"文件 {path.name} 已损坏或不是有效的 .xls 工作簿；{_CONVERT_HINT}。") from None
    try:
        return [_xls_sheet(path.name, book, i) for i in range(book.nsheets)]
    finally:
        book.release_resources()


def _xls_sheet(file_name: str, book: Any, index: int) -> SheetData:
    import xlrd

    sheet = book.sheet_by_index(index)
    _check_limits(file_name, sheet.name, sheet.nrows, sheet.ncols)
    rows: list[tuple[Any, ...]] = []
    for r in range(sheet.nrows):
        values = []
        for ctype, value in zip(sheet.row_types(r), sheet.row_values(r), strict=True):
            if ctype == xlrd.XL_CELL_DATE:
                try:
                    value = xlrd.xldate_as_datetime(value, book.datemode)
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    pass  # keep the number; the date parser will say what is wrong
            elif ctype == xlrd.XL_CELL_NUMBER and float(value).is_integer():
                value = int(value)
            elif ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            elif ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                value = None
            values.append(value)
        rows.append(_trim(tuple(values)))
    hidden = bool(getattr(sheet, "visibility", 0))
    return SheetData(file_name, sheet.name, rows, hidden=hidden, source_format=XLS)


# --- .csv -------------------------------------------------------------------------------------

def decode_text(name: str, data: bytes) -> tuple[str, str]:
    """(text, encoding) for UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UserError(f"无法识别文件 {name} 的文字编码（支持 UTF-8 和 GBK），"
                    "请在 Excel 中另存为 .xlsx 再导入。")


def _read_csv(path: Path, data: bytes) -> SheetData:
    text, encoding = decode_text(path.name, data)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;|，")
    except csv.Error:
        dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    rows: list[tuple[Any, ...]] = []
    filled = 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), dialect):
            values = _trim(tuple(v if v.strip() else None for v in record))
            if values:
                filled += 1
                _check_limits(path.name, path.stem, filled, len(values))
            rows.append(values)
    except csv.Error as exc:
        raise UserError(f"文件 {path.name} 第 {len(rows) + 1} 行不是有效的 CSV 内容（{exc}）。") from None
    sheet = SheetData(path.name, path.stem, rows, source_format=CSV)
    sheet.notes.append(f"文字编码：{'GBK' if encoding == 'gb18030' else encoding.upper()}")
    return sheet


def format_name(kind: str) -> str:
    """The Chinese name of a format constant, for messages."""
    return _FORMAT_NAMES.get(kind, kind)
