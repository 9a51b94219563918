"""Hostile and broken input: DTDs and entities refused fast with nothing expanded or fetched; bad JSON numbers,
repeated members and stray content refused; truncated files name the last good record and where they broke."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from sedata import exchange as X
from sedata.spec import current

from .conftest import WriteMessage

FORMATS = list(X.FORMATS)
ROOT_TAG = "<InspectionUpload"


def _with_doctype(path: Path, doctype: str, replace: tuple[str, str] | None = None) -> Path:
    text = path.read_text("utf-8")
    if replace:
        text = text.replace(*replace, 1)
    i = text.index(ROOT_TAG)
    out = path.with_name("hostile.xml")
    out.write_text(text[:i] + doctype + "\n" + text[i:], "utf-8")
    return out


def _refused_fast(path: Path) -> X.ExchangeError:
    start = time.perf_counter()
    with pytest.raises(X.ExchangeError) as caught:
        X.read(path)
    assert time.perf_counter() - start < 1.0
    return caught.value


def test_xxe_is_refused_and_nothing_is_read(write_message: WriteMessage) -> None:
    secret = write_message("xml").with_name("secret.txt")
    secret.write_text("TOP-SECRET-LINE", "utf-8")
    path = _with_doctype(
        write_message("xml"),
        f'<!DOCTYPE InspectionUpload [<!ENTITY x SYSTEM "file://{secret}">]>',
        ("曳引驱动乘客电梯", "&x;"),
    )
    err = _refused_fast(path)
    assert isinstance(err, X.UnsafeXmlError) and err.code == "unsafe-xml"
    assert "TOP-SECRET-LINE" not in str(err)
    assert "DOCTYPE" in err.zh and "DOCTYPE" in err.en


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request made to it."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = b'<!ENTITY x "fetched">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_external_dtd_is_refused_and_never_fetched(
    write_message: WriteMessage, http_server: tuple[str, list[str]]
) -> None:
    url, requests = http_server
    path = _with_doctype(
        write_message("xml"),
        f'<!DOCTYPE InspectionUpload SYSTEM "{url}/evil.dtd">',
        ("曳引驱动乘客电梯", "&x;"),
    )
    assert isinstance(_refused_fast(path), X.UnsafeXmlError)
    path2 = _with_doctype(
        write_message("xml", name="b.xml"),
        f'<!DOCTYPE InspectionUpload [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>',
    )
    assert isinstance(_refused_fast(path2), X.UnsafeXmlError)
    time.sleep(0.05)
    assert requests == []


def test_billion_laughs_is_refused_without_expanding(write_message: WriteMessage) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    path = _with_doctype(
        write_message("xml"), f"<!DOCTYPE InspectionUpload [{entities}]>", ("曳引驱动乘客电梯", "&lol9;")
    )
    assert isinstance(_refused_fast(path), X.UnsafeXmlError)


def test_an_entity_reference_without_a_dtd_is_refused(write_message: WriteMessage) -> None:
    path = write_message("xml")
    path.write_text(path.read_text("utf-8").replace("曳引驱动乘客电梯", "&x;", 1), "utf-8")
    err = _refused_fast(path)
    assert isinstance(err, X.UnsafeXmlError)
    assert err.line == 5


def test_doctype_text_inside_a_comment_is_harmless(write_message: WriteMessage) -> None:
    path = write_message("xml")
    text = path.read_text("utf-8")
    i = text.index(ROOT_TAG)
    path.write_text(text[:i] + "<!-- <!DOCTYPE x [<!ENTITY y 'z'>]> 注释 -->\n" + text[i:], "utf-8")
    assert X.read(path).header.record_count == 6


@pytest.mark.parametrize("number", ["1.5", "20.0", "2e1", "-0.0"])
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_json_number_that_is_not_an_integer_is_refused(fmt: str, number: str, write_message: WriteMessage) -> None:
    path = write_message(fmt)
    text = path.read_text("utf-8")
    assert text.count('"designLifeYears":20') == 1
    path.write_text(text.replace('"designLifeYears":20', f'"designLifeYears":{number}'), "utf-8")
    with pytest.raises(X.NonIntegerNumberError) as caught:
        X.read(path)
    assert caught.value.code == "non-integer-number"
    assert number in caught.value.en or str(Decimal(number)) in caught.value.en  # ijson normalises 2e1 to 2E+1
    assert caught.value.index == 1
    if fmt == "jsonl":
        assert caught.value.line == 3


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_nan_is_refused(fmt: str, write_message: WriteMessage) -> None:
    path = write_message(fmt)
    path.write_text(path.read_text("utf-8").replace('"designLifeYears":20', '"designLifeYears":NaN'), "utf-8")
    with pytest.raises((X.NonIntegerNumberError, X.MalformedError)):
        X.read(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_member_given_twice_is_refused(fmt: str, write_message: WriteMessage) -> None:
    path = write_message(fmt)
    text = path.read_text("utf-8")
    if fmt == "xml":
        dup = "<productName>空气储罐</productName>"
        text = text.replace(dup, dup + "<productName>液化气体储罐</productName>", 1)
    else:
        text = text.replace('"productName":"空气储罐"', '"productName":"空气储罐","productName":"液化气体储罐"', 1)
    path.write_text(text, "utf-8")
    with pytest.raises(X.DuplicateMemberError) as caught:
        X.read(path)
    assert caught.value.index == 1


@pytest.mark.parametrize(
    ("fmt", "old", "new", "message"),
    [
        ("json", '"records":[', '"extra":1,"records":[', "extra"),
        ("jsonl", '{"recordType":"Inspection",', '{"recordType":"Inspection","note":"x",', "note"),
        ("xml", "<Inspection>", '<Inspection note="x">', "note"),
        ("xml", "<Inspection>", "<Inspection><remark>x</remark>", "remark"),
        ("xml", "<records>", "<records><Licence/>", "Licence"),
        ("xml", "<records>", "<records>stray text", "stray"),
        # Elements that are neither header, records nor a record, wherever they stand (the reader hears
        # only of watched elements, so these are found from their neighbours):
        ("xml", "<records>", "<records><remark>x</remark>", "remark"),  # before the first record
        ("xml", "</Inspection>", "</Inspection><remark/>", "remark"),  # between two records
        ("xml", "</records>", "<remark/></records>", "remark"),  # after the last record
        ("xml", "</header>", "</header><remark/>", "remark"),  # between the header and the records
        ("xml", "</records>", "</records><remark/>", "root holds exactly"),  # after the records
        ("jsonl", '{"recordType":"Inspection",', '{"recordType":"Unit",', "Unit"),
    ],
)
def test_stray_content_is_a_structure_error(
    fmt: str, old: str, new: str, message: str, write_message: WriteMessage
) -> None:
    path = write_message(fmt)
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(X.StructureError) as caught:
        X.read(path)
    assert message in caught.value.en


def test_a_blank_line_between_records_is_refused_but_trailing_ones_are_fine(write_message: WriteMessage) -> None:
    path = write_message("jsonl")
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines) + "\n\n", "utf-8")
    assert X.read(path).header.record_count == 6
    path.write_text("".join([*lines[:3], "\n", *lines[3:]]), "utf-8")
    with pytest.raises(X.StructureError) as caught:
        X.read(path)
    assert caught.value.line == 4


# --- truncated files -----------------------------------------------------------------------------------


def _cut_inside_record(path: Path, fmt: str, index: int) -> int:
    """Cut the file in the middle of record ``index``; return the byte length kept."""
    data = path.read_bytes()
    marker = {"json": b'"reportNo":"XXTJ-DT-2025-0431"', "jsonl": b'"reportNo":"XXTJ-DT-2025-0431"'}.get(
        fmt, b"<reportNo>XXTJ-DT-2025-0431</reportNo>"
    )
    assert data.count(marker) == 1  # the third inspection = records[4]
    keep = data.index(marker) + len(marker) // 2
    path.write_bytes(data[:keep])
    assert index == 4
    return keep


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_cut_mid_record_names_the_last_good_record_and_where(fmt: str, write_message: WriteMessage) -> None:
    path = write_message(fmt)
    keep = _cut_inside_record(path, fmt, 4)
    seen = []
    with pytest.raises(X.TruncatedError) as caught:
        for record in X.iter_records(path):
            seen.append(record.index)
    err = caught.value
    assert err.code == "truncated"
    assert seen == [0, 1, 2, 3]
    assert err.last_good == 3
    assert "records[3]" in err.zh and "records[3]" in err.en
    if fmt == "json":
        assert err.offset == keep  # ijson has no lines; the offset is where the input ran out
    else:
        assert err.line == (6 if fmt == "jsonl" else 9)
    assert err.file == str(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_cut_in_the_header_is_an_error_not_a_traceback(fmt: str, write_message: WriteMessage) -> None:
    path = write_message(fmt)
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"sender") + 3])
    with pytest.raises(X.ExchangeError) as caught:
        X.open_message(path)
    assert caught.value.code in {"truncated", "malformed", "header-invalid"}


def test_a_broken_line_in_the_middle_is_malformed_not_truncated(write_message: WriteMessage) -> None:
    path = write_message("jsonl")
    lines = path.read_text("utf-8").splitlines(keepends=True)
    lines[3] = lines[3][:40] + "\n"
    path.write_text("".join(lines), "utf-8")
    with pytest.raises(X.MalformedError) as caught:
        X.read(path)
    assert not isinstance(caught.value, X.TruncatedError)
    assert (caught.value.line, caught.value.last_good) == (4, 1)


@pytest.mark.parametrize(("fmt", "extra"), [("json", b'{"header":{}}'), ("xml", b"<InspectionUpload/>")])
def test_content_after_the_message_is_malformed(fmt: str, extra: bytes, write_message: WriteMessage) -> None:
    path = write_message(fmt)
    path.write_bytes(path.read_bytes() + extra)
    with pytest.raises(X.MalformedError) as caught:
        X.read(path)
    assert caught.value.last_good == 5  # every record was read before the extra content


def test_json_top_level_must_be_an_object(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"header": {}}]), "utf-8")
    with pytest.raises(X.ExchangeError) as caught:
        X.read(path)
    assert caught.value.code in {"structure", "unknown-format"}


def test_xml_header_must_come_first(write_message: WriteMessage) -> None:
    path = write_message("xml")
    text = path.read_text("utf-8")
    header = text[text.index("<header>") : text.index("</header>") + len("</header>")]
    records = text[text.index("<records>") : text.index("</records>") + len("</records>")]
    path.write_text(text.replace(header, "@").replace(records, header).replace("@", records), "utf-8")
    with pytest.raises(X.HeaderError) as caught:
        X.read(path)
    assert "<records>" in caught.value.en
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ("<InspectionUpload xmlns='{ns}'><foo/><header/></InspectionUpload>", X.HeaderError, "found <foo> first"),
        ("<InspectionUpload xmlns='{ns}'><records/><header/></InspectionUpload>", X.HeaderError, "<records> first"),
        ("<InspectionUpload xmlns='{ns}'><foo/></InspectionUpload>", X.HeaderError, "has no <header>"),
        ("<Whatever xmlns='{ns}'/>", X.HeaderError, "has no <header>"),
        ("<InspectionUpload xmlns='urn:other'><header/></InspectionUpload>", X.UnknownSpecVersionError, "urn:other"),
    ],
)
def test_xml_without_a_leading_header_names_what_came_instead(
    tmp_path: Path, body: str, error: type[Exception], message: str
) -> None:
    path = tmp_path / "m.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>' + body.format(ns=current().info.namespace), "utf-8")
    with pytest.raises(error) as caught:
        X.read(path)
    assert message in caught.value.en  # type: ignore[attr-defined]
