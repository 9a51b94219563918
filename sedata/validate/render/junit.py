"""JUnit XML for CI systems: one test suite per file, one test case per rule of the spec.

A rule with findings at or above ``--fail-on`` is a ``<failure>`` listing them; a rule that was not
checked (manual, a layer not implemented yet, a file that could not be read through) is ``<skipped>``
with the reason, never a pass; findings below ``--fail-on`` go to the case's ``<system-out>``.
"""

from __future__ import annotations

from lxml import etree

from sedata.spec import Spec, current
from sedata.validate.render.common import by_rule, finding_line, rule_name
from sedata.validate.report import Report, at_least


def render(report: Report, lang: str = "zh", spec: Spec | None = None) -> str:
    """The report as a JUnit XML document (UTF-8 text with declaration)."""
    spec = spec or current()
    rule_ids = sorted(spec.rules)
    root = etree.Element("testsuites", name="sedata validate")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for fr in report.files:
        suite = etree.SubElement(root, "testsuite", name=fr.file)
        props = etree.SubElement(suite, "properties")
        for name, value in (("format", fr.format), ("records", fr.records), ("stopped", fr.stopped)):
            if value is not None:
                etree.SubElement(props, "property", name=name, value=str(value))
        groups = by_rule(fr.findings)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for rule_id in rule_ids:
            counts["tests"] += 1
            case = etree.SubElement(
                suite, "testcase", classname=fr.file, name=f"{rule_id} {rule_name(spec, rule_id, lang)}"
            )
            found = groups.get(rule_id, [])
            failing = [f for f in found if at_least(f.severity, report.fail_on)]
            lines = "\n".join(finding_line(f, lang) for f in found)
            if failing:
                counts["failures"] += 1
                failure = etree.SubElement(
                    case, "failure", type=rule_id, message=f"{len(failing)}: {failing[0].message.get(lang)}"
                )
                failure.text = lines
            elif rule_id in fr.not_checked:
                counts["skipped"] += 1
                etree.SubElement(case, "skipped", message=fr.not_checked[rule_id].get(lang))
            if found and not failing:
                etree.SubElement(case, "system-out").text = lines
        for key, n in counts.items():
            suite.set(key, str(n))
            totals[key] += n
        suite.set("errors", "0")
    for key, n in totals.items():
        root.set(key, str(n))
    root.set("errors", "0")
    text: bytes = etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
    return text.decode("utf-8")
