"""JUnit XML for CI systems: one test suite per file, one test case per rule of the spec.

A rule with findings at or above ``--fail-on`` is a ``<failure>`` listing them; a rule that was not
checked (manual, a layer not implemented yet, a file that could not be read through) is ``<skipped>``
with the reason, never a pass. Findings below ``--fail-on`` (warnings, notes) stay visible: they are the
case's ``<system-out>`` and, counted by severity, the suite's ``<system-out>``, which CI pages show.

The document is valid against the common Jenkins ``junit-10.xsd`` (so ``<testsuites>`` carries no
``skipped`` count). Text from the data is passed through :func:`~sedata.validate.render.common.visible`,
so a control character in a file can neither break the XML nor reach a CI log as itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lxml import etree

from sedata.spec import Spec, current
from sedata.validate.render.common import Holes, by_rule, finding_line, label, rule_name, stop_reason, visible
from sedata.validate.report import Finding, Report, at_least, store_of


def chunks(report: Report, lang: str = "zh", spec: Spec | None = None) -> Iterator[str]:
    """The JUnit document in pieces (their concatenation is :func:`render`'s text).

    The tree of suites and cases is small and made by lxml; the finding lines of a case (all of a rule's
    findings) are left as marks and written into the serialised tree one at a time.
    """
    spec = spec or current()
    rule_ids = sorted(spec.rules)
    holes = Holes()
    root = etree.Element("testsuites", name="sedata validate")
    totals = {"tests": 0, "failures": 0}
    for fr in report.files:
        name = visible(fr.file)
        suite = etree.SubElement(root, "testsuite", name=name)
        props = etree.SubElement(suite, "properties")
        for key, value in (("format", fr.format), ("records", fr.records)):
            if value is not None:
                etree.SubElement(props, "property", name=key, value=str(value))
        if fr.stopped is not None:
            etree.SubElement(props, "property", name="stopped", value=stop_reason(fr.stopped, lang))
        groups = by_rule(fr.findings)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        below: list[str] = []
        for rule_id in rule_ids:
            counts["tests"] += 1
            case = etree.SubElement(
                suite, "testcase", classname=name, name=f"{rule_id} {rule_name(spec, rule_id, lang)}"
            )
            found = groups.get(rule_id, ())
            failing = store_of(fr.findings).tally(report.fail_on, rule_id) if found else 0
            if failing:
                counts["failures"] += 1
                first = next(f for f in found if at_least(f.severity, report.fail_on))
                message = f"{failing}: {visible(first.message.get(lang))}"
                failure = etree.SubElement(case, "failure", type=rule_id, message=message)
                failure.text = holes.mark(found)
            elif rule_id in fr.not_checked:
                counts["skipped"] += 1
                etree.SubElement(case, "skipped", message=visible(fr.not_checked[rule_id].get(lang)))
            if found and not failing:
                etree.SubElement(case, "system-out").text = holes.mark(found)
                sev = found[0].severity
                below.append(
                    f"{rule_id} {label('severity_' + sev, lang)} × {len(found)}: {visible(found[0].message.get(lang))}"
                )
        if below:
            etree.SubElement(suite, "system-out").text = "\n".join(below)
        for key, n in counts.items():
            suite.set(key, str(n))
            if key in totals:
                totals[key] += n
        suite.set("errors", "0")
    for key, n in totals.items():
        root.set(key, str(n))
    root.set("errors", "0")
    text: bytes = etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)

    def lines(found: Sequence[Finding], _indent: int) -> Iterator[str]:
        out: list[str] = []
        for i, f in enumerate(found):
            out.append(("\n" if i else "") + _xml_text(finding_line(f, lang)))
            if len(out) >= 512:
                yield "".join(out)
                out = []
        yield "".join(out)

    yield from holes.fill(text.decode("utf-8"), lines)


def render(report: Report, lang: str = "zh", spec: Spec | None = None) -> str:
    """The report as a JUnit XML document (UTF-8 text with declaration)."""
    return "".join(chunks(report, lang, spec))


def _xml_text(text: str) -> str:
    """Text content escaped as libxml2 writes it (its control characters are already shown by visible())."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
