#!/usr/bin/env python3
"""Regenerates the spreadsheet samples that tests/unit/test_sheet.c reads.

Run from this directory: python3 make_samples.py. Needs only python3 and
glibc's iconv command (the encodings are produced by the same iconv the
reader uses, as a user's Excel would: GBK, BIG5, UTF-16LE).

Sources: staff_zh_hans.txt (written by hand: typical names, units, posts)
and staff_zh_hant.txt (the same through OpenCC s2tw.json). The XLSX files
are written part by part with zipfile so that each one holds exactly the
feature a test pins down; exceljs.xlsx comes from make_exceljs.js (a real
producer). Nothing here downloads anything.
"""
import struct
import subprocess
import zipfile

HANS = open("staff_zh_hans.txt", encoding="utf-8").read()
HANT = open("staff_zh_hant.txt", encoding="utf-8").read()


def iconv(text, enc):
    return subprocess.run(["iconv", "-f", "UTF-8", "-t", enc], input=text.encode("utf-8"),
                          stdout=subprocess.PIPE, check=True).stdout


def crlf(text):
    return text.replace("\n", "\r\n")


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


# ---- CSV / TSV ------------------------------------------------------------
write("staff_utf8.csv", HANS.encode("utf-8"))
write("staff_utf8_bom.csv", b"\xef\xbb\xbf" + crlf(HANT).encode("utf-8"))
write("staff_gbk.csv", iconv(crlf(HANS), "GBK"))
write("staff_big5.csv", iconv(crlf(HANT), "BIG5"))
write("staff_hant_gbk.csv", iconv(crlf(HANT), "GBK"))
# Excel's "Unicode text": UTF-16LE with BOM, tab-separated, CRLF
write("staff_utf16le.txt", b"\xff\xfe" + crlf(HANS.replace(",", "\t")).encode("utf-16-le"))

write("quoted.csv", crlf(
    '姓名,地址,备注\n'
    '"王晓明","北京市,朝阳区","他说""你好"""\n'
    '陈志强,"第一行\n第二行",\n'
    '"","",""\n').encode("utf-8"))
write("ragged.csv", (
    "姓名,单位,职务\n"
    "王晓明\n"
    "陈志强,公路管理处\n"
    "李娜,办公室,科员,多出来的一列\n"
    ",,\n"
    "\n"
    ",,,\n").encode("utf-8"))

# ---- XLSX ----------------------------------------------------------------
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NSR = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL_WS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = DECL + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '</Types>')
ROOT_RELS = DECL + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')


def workbook(sheets):
    """sheets: list of (name, rid, state or None)."""
    body = "".join('<sheet name="%s" sheetId="%d" r:id="%s"%s/>'
                   % (n, i + 1, rid, ' state="%s"' % st if st else "")
                   for i, (n, rid, st) in enumerate(sheets))
    return DECL + '<workbook %s %s><sheets>%s</sheets></workbook>' % (NS, NSR, body)


def rels(targets):
    """targets: list of (rid, type, target)."""
    body = "".join('<Relationship Id="%s" Type="%s" Target="%s"/>' % t for t in targets)
    return DECL + ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '%s</Relationships>' % body)


def sst(items):
    """items: raw XML of each <si>."""
    return DECL + '<sst %s count="%d" uniqueCount="%d">%s</sst>' % (
        NS, len(items), len(items), "".join("<si>%s</si>" % i for i in items))


def worksheet(rows_xml):
    return DECL + '<worksheet %s %s><dimension ref="A1"/><sheetData>%s</sheetData></worksheet>' % (
        NS, NSR, rows_xml)


def xlsx(name, parts, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(name, "w", method) as z:
        for path, text in parts:
            z.writestr(path, text.encode("utf-8") if isinstance(text, str) else text)


def simple(name, sheet_xml, strings=None, extra=()):
    parts = [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
             ("xl/workbook.xml", workbook([("Sheet1", "rId1", None)])),
             ("xl/_rels/workbook.xml.rels", rels([("rId1", REL_WS, "worksheets/sheet1.xml")])),
             ("xl/worksheets/sheet1.xml", sheet_xml)]
    if strings is not None:
        parts.append(("xl/sharedStrings.xml", strings))
    xlsx(name, parts + list(extra))


# book.xlsx: the features of a real staff list, and a second sheet to ignore
BOOK_SST = sst([
    "<t>姓名</t>",                                     # 0
    "<t>单位</t>",                                     # 1
    "<t>王晓明</t>",                                   # 2
    "<t>交通运输局 公路管理处</t>",                    # 3
    '<r><t>陈</t></r><r><rPr><b/></rPr><t xml:space="preserve">志强</t></r>'
    '<rPh sb="0" eb="1"><t>チン</t></rPh>',            # 4: rich text + phonetic guide
    "<t>忽略</t>",                                     # 5: only on sheet 2
    "<t>李娜</t>",                                     # 6
    "<t>A_x0009_B _x005F_x0041_</t>",                  # 7: ST_Xstring escapes
])
BOOK_S1 = worksheet(
    '<row r="1" spans="1:8">'
    '<c r="A1" t="s"><v>0</v></c>'
    '<c r="C1" t="s"><v>1</v></c>'
    '<c r="D1" t="inlineStr"><is><t>入职日期</t></is></c>'
    '<c r="E1" t="inlineStr"><is><t>工号</t></is></c>'
    '<c r="F1" t="inlineStr"><is><t>得分</t></is></c>'
    '<c r="G1" t="inlineStr"><is><t>在职</t></is></c>'
    '<c r="H1" t="inlineStr"><is><t>备注</t></is></c></row>'
    '<row r="2">'
    '<c r="A2" t="s"><v>2</v></c>'
    '<c r="C2" t="s"><v>3</v></c>'
    '<c r="D2" s="1"><v>45292</v></c>'
    '<c r="E2"><v>12.0</v></c>'
    '<c r="F2" t="n"><v>1.5</v></c>'
    '<c r="G2" t="b"><v>1</v></c>'
    '<c r="H2" t="str"><f>IF(F2&gt;1,"合格","")</f><v>合格</v></c></row>'
    '<row r="3">'
    '<c r="A3" t="s"><v>4</v></c>'
    '<c r="C3" t="inlineStr"><is><t xml:space="preserve"> 执法 支队 </t></is></c>'
    '<c r="E3"><v>1.2E+2</v></c>'
    '<c r="F3"><v>-0.5</v></c>'
    '<c r="G3" t="b"><v>0</v></c>'
    '<c r="H3" t="e"><v>#N/A</v></c></row>'
    '<row r="5">'
    '<c r="A5" t="s"><v>6</v></c>'
    '<c t="s"><v>7</v></c>'                            # no r=: column B
    '<c r="E5"><v>13800138000</v></c>'
    '<c r="H5" t="s"><v>7</v></c></row>'
    '<row r="7"><c r="A7" s="1"/><c r="XFD7" s="1"/></row>')   # styled, empty: dropped
BOOK_S2 = worksheet('<row r="1"><c r="A1" t="s"><v>5</v></c></row>')
STYLES = DECL + ('<styleSheet %s><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
                 '</numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/>'
                 '</cellXfs></styleSheet>' % NS)
BOOK = [
    ("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
    ("xl/workbook.xml", workbook([("职工名单", "rId1", None), ("说明", "rId2", None)])),
    ("xl/_rels/workbook.xml.rels", rels([("rId1", REL_WS, "worksheets/sheet1.xml"),
                                         ("rId2", REL_WS, "worksheets/sheet2.xml"),
                                         ("rId3", "http://schemas.openxmlformats.org/officeDocument/"
                                          "2006/relationships/sharedStrings", "sharedStrings.xml")])),
    ("xl/worksheets/sheet1.xml", BOOK_S1), ("xl/worksheets/sheet2.xml", BOOK_S2),
    ("xl/sharedStrings.xml", BOOK_SST), ("xl/styles.xml", STYLES)]
xlsx("book.xlsx", BOOK)
# the same, uncompressed: also a seed the fuzzer can mutate as plain XML
xlsx("book_stored.xlsx", BOOK, zipfile.ZIP_STORED)

# reordered.xlsx: the first tab is hidden; the first visible one lives at an
# absolute target that is not sheet1.xml, and sheet1.xml must be ignored.
ONE = lambda text: worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>%s</t></is></c></row>' % text)
xlsx("reordered.xlsx", [
    ("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
    ("xl/workbook.xml", workbook([("隐藏", "rId7", "hidden"), ("数据", "rId9", None), ("旧", "rId1", None)])),
    ("xl/_rels/workbook.xml.rels", rels([("rId1", REL_WS, "worksheets/sheet1.xml"),
                                         ("rId7", REL_WS, "worksheets/hidden.xml"),
                                         ("rId9", REL_WS, "/xl/worksheets/../worksheets/data.xml")])),
    ("xl/worksheets/sheet1.xml", ONE("旧表")), ("xl/worksheets/hidden.xml", ONE("隐藏表")),
    ("xl/worksheets/data.xml", ONE("数据表"))])

# far.xlsx: a value at XFD1048576, beyond any sane max_cols
simple("far.xlsx", worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
                             '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))

# doctype.xlsx: the "billion laughs" in sharedStrings
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY a "ha">'
          + "".join('<!ENTITY %s "%s">' % (chr(ord("b") + i), ("&%s;" % chr(ord("a") + i)) * 10)
                    for i in range(9))
          + ']>\n<sst %s><si><t>&j;</t></si></sst>' % NS)
simple("doctype.xlsx", worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), LAUGHS)

# deep.xlsx: 100,000 nested elements inside a cell
simple("deep.xlsx", worksheet('<row r="1"><c r="A1" t="inlineStr"><is>' + "<r>" * 100000 +
                              "</r>" * 100000 + "</is></c></row>"))

# bomb.xlsx: a sharedStrings part that inflates to just over 64 MiB (deflate
# cannot do better than ~1:1000, hence ~65 KB)
bomb = DECL + '<sst %s><si><t>' % NS + "a" * (64 * 1024 * 1024) + "</t></si></sst>"
with zipfile.ZipFile("bomb.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for path, text in [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                       ("xl/workbook.xml", workbook([("Sheet1", "rId1", None)])),
                       ("xl/_rels/workbook.xml.rels", rels([("rId1", REL_WS, "worksheets/sheet1.xml")])),
                       ("xl/worksheets/sheet1.xml", worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')),
                       ("xl/sharedStrings.xml", bomb)]:
        z.writestr(path, text.encode("utf-8"))


# encrypted.xlsx: book.xlsx with the "encrypted" flag set on every entry
def set_encrypted(src, dst):
    data = bytearray(open(src, "rb").read())
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = data.find(sig)
        while i >= 0:
            (flags,) = struct.unpack_from("<H", data, i + flag_at)
            struct.pack_into("<H", data, i + flag_at, flags | 1)
            i = data.find(sig, i + 4)
    write(dst, bytes(data))


set_encrypted("book.xlsx", "encrypted.xlsx")
