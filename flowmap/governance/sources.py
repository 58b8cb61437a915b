"""Where flowmap's information-governance answers come from: one catalogue of sources.

Every answer about lawful sharing, agreements, the national data opt-out, DPIAs, the
record of processing activities and the DSPT names its sources by id from
:data:`SOURCES`. Each source says how sure flowmap's authors are of what it is cited for:

- ``verified``: the primary text (legislation, the regulator's or NHS England's own page)
  was read when the rule was written;
- ``secondary``: a reliable secondary source quotes or summarises it, but the primary
  text was not read;
- ``unverified``: the point could not be confirmed; flowmap says so wherever it is used;
- ``judgement``: flowmap's own rule of thumb, not a source's statement.

The research behind these (with the dates and confidence of each fact) is summarised
in ``docs/sources.md``.

Examples
--------
>>> SOURCES["uk_gdpr_art6"].label
'UK GDPR Article 6'
>>> cite("uk_gdpr_art6", "flowmap")
"UK GDPR Article 6 (https://www.legislation.gov.uk/eur/2016/679/article/6); flowmap's judgement"
"""

from __future__ import annotations

from dataclasses import dataclass

CONFIDENCES = ("verified", "secondary", "unverified", "judgement")


@dataclass(frozen=True)
class Source:
    """One cited source: a short label, where to read it, and how sure flowmap is."""

    id: str
    label: str
    url: str
    confidence: str
    note: str = ""

    def cited(self) -> str:
        """The label with its address, as printed after an answer."""
        text = f"{self.label} ({self.url})" if self.url else self.label
        if self.confidence == "unverified":
            text += " [UNVERIFIED]"
        return text


LEGISLATION = "https://www.legislation.gov.uk"
GDPR = f"{LEGISLATION}/eur/2016/679"
DPA = f"{LEGISLATION}/ukpga/2018/12"
ICO = "https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources"

_ALL = (
    Source(
        "uk_gdpr_art6",
        "UK GDPR Article 6",
        f"{GDPR}/article/6",
        "verified",
        "lawful bases; 6(1)(f) not for public authorities performing their tasks",
    ),
    Source(
        "uk_gdpr_art9",
        "UK GDPR Article 9",
        f"{GDPR}/article/9",
        "verified",
        "special category conditions 9(2)(a)-(j)",
    ),
    Source(
        "uk_gdpr_art10",
        "UK GDPR Article 10",
        f"{GDPR}/article/10",
        "secondary",
        "criminal offence data",
    ),
    Source(
        "uk_gdpr_art26",
        "UK GDPR Article 26",
        f"{GDPR}/article/26",
        "verified",
        "joint controllers must have an arrangement",
    ),
    Source(
        "uk_gdpr_art28",
        "UK GDPR Article 28",
        f"{GDPR}/article/28",
        "verified",
        "a processor acts under a written contract",
    ),
    Source(
        "uk_gdpr_art30",
        "UK GDPR Article 30",
        f"{GDPR}/article/30",
        "verified",
        "records of processing activities; 30(2) for processors",
    ),
    Source(
        "uk_gdpr_art32",
        "UK GDPR Article 32",
        f"{GDPR}/article/32",
        "secondary",
        "security of processing",
    ),
    Source(
        "uk_gdpr_art35",
        "UK GDPR Article 35",
        f"{GDPR}/article/35",
        "verified",
        "DPIA; 35(3)(b) large-scale special category data",
    ),
    Source(
        "uk_gdpr_ch5",
        "UK GDPR Chapter V (Articles 44-49)",
        f"{GDPR}/chapter/V",
        "verified",
        "restricted transfers: adequacy, Article 46 safeguards, Article 49 exceptions",
    ),
    Source(
        "uk_gdpr_recital26",
        "UK GDPR Recital 26",
        f"{GDPR}/contents",
        "secondary",
        "anonymous information is not personal data",
    ),
    Source(
        "dpa2018_s10",
        "Data Protection Act 2018 section 10",
        f"{DPA}/section/10",
        "verified",
        "9(2)(b),(h),(i),(j) need a Schedule 1 Part 1 condition; 9(2)(g) Part 2",
    ),
    Source(
        "dpa2018_sch1",
        "Data Protection Act 2018 Schedule 1",
        f"{DPA}/schedule/1",
        "verified",
        "para 2 health or social care; 3 public health; 4 research; 10 unlawful "
        "acts; 18 safeguarding",
    ),
    Source(
        "duaa2025_s70",
        "Data (Use and Access) Act 2025 section 70",
        f"{LEGISLATION}/ukpga/2025/18/section/70",
        "secondary",
        "recognised legitimate interests, Art 6(1)(ea); commencement date not confirmed",
    ),
    Source(
        "hsca2012_s251b",
        "Health and Social Care Act 2012 section 251B (duty to share)",
        f"{LEGISLATION}/ukpga/2015/28/notes/division/4/3",
        "verified",
        "health and adult social care bodies must share for individual care in the person's "
        "best interests unless they object; commencement date not confirmed",
    ),
    Source(
        "nhs_act2006_s251",
        "NHS Act 2006 section 251 (HRA: What is section 251?)",
        "http://www.hra.nhs.uk/about-the-hra/our-committees/section-251/",
        "verified",
        "support set aside the common law duty only; CAG advises HRA (research) and the "
        "Secretary of State (non-research)",
    ),
    Source(
        "copi2002",
        "Health Service (Control of Patient Information) Regulations 2002",
        f"{LEGISLATION}/uksi/2002/1438",
        "secondary",
        "reg 3 communicable disease and public health; reg 5 general medical purposes",
    ),
    Source(
        "cda1998_s115",
        "Crime and Disorder Act 1998 section 115",
        f"{LEGISLATION}/ukpga/1998/37/section/115",
        "verified",
        "a power (not a duty) to disclose to relevant authorities; the current list of "
        "relevant authorities is not confirmed",
    ),
    Source(
        "children_act2004",
        "Children Act 2004 sections 10 and 11",
        f"{LEGISLATION}/ukpga/2004/31/part/2",
        "secondary",
        "co-operation to improve children's well-being; duty to safeguard and promote welfare",
    ),
    Source(
        "working_together2023",
        "Working Together to Safeguard Children 2023",
        "https://www.gov.uk/government/publications/working-together-to-safeguard-children--2",
        "secondary",
        "data protection law is not a barrier to sharing to safeguard a child",
    ),
    Source(
        "nhse_consent",
        "NHS England: consent and confidential patient information",
        "https://transform.england.nhs.uk/information-governance/guidance/"
        "consent-and-confidential-patient-information",
        "verified",
        "implied consent covers individual care by the care team",
    ),
    Source(
        "gmc_confidentiality",
        "GMC: Confidentiality, good practice in handling patient information (paragraphs 8 and 80)",
        "",
        "secondary",
        "disclosure beyond care needs consent, a legal requirement, s251 support or the "
        "public interest",
    ),
    Source(
        "ndoo_policy",
        "NHS England: national data opt-out operational policy guidance",
        "https://digital.nhs.uk/services/national-data-opt-out/"
        "operational-policy-guidance-document",
        "verified",
        "applies to confidential patient information used beyond individual care; "
        "exemptions for consent, legal requirement, public interest, COPI reg 3, "
        "anonymised data",
    ),
    Source(
        "ico_sharing_code",
        "ICO: Data sharing code of practice (statutory, in force 5 October 2021)",
        "https://ico.org.uk/for-organisations/guide-to-data-protection/ico-codes-of-practice/"
        "data-sharing-a-code-of-practice/about-this-code/",
        "verified",
        "an agreement is good practice, not mandatory; recommends a DPIA",
    ),
    Source(
        "ico_dpia_list",
        "ICO: examples of processing likely to result in high risk",
        f"{ICO}/accountability-and-governance/data-protection-impact-assessments-dpias/"
        "examples-of-processing-likely-to-result-in-high-risk/",
        "verified",
        "the ICO's Article 35(4) list: innovative technology, data matching, ...",
    ),
    Source(
        "wp248",
        "Article 29 Working Party: Guidelines on DPIA (WP248 rev.01, 2017)",
        "",
        "secondary",
        "nine criteria; two met usually means a DPIA is required; patients and "
        "children are vulnerable data subjects",
    ),
    Source(
        "ico_documentation",
        "ICO: Documentation (records of processing activities)",
        f"{ICO}/accountability-and-governance/documentation/",
        "verified",
        "what a record of processing must hold; templates are not mandatory",
    ),
    Source(
        "ico_controller_template",
        "ICO: documentation template for controllers (xlsx)",
        "https://ico.org.uk/media2/migrated/2172937/gdpr-documentation-controller-template.xlsx",
        "secondary",
        "column headings as transcribed in public sources; the workbook itself not opened",
    ),
    Source(
        "ico_processor_template",
        "ICO: documentation template for processors",
        "",
        "unverified",
        "exact headings not found; flowmap follows Article 30(2)",
    ),
    Source(
        "dspt_112",
        "DSPT evidence item 1.1.2 (DSPT Help 6.1)",
        "https://www.dsptoolkit.nhs.uk/Help/88",
        "verified",
        "the columns a record of processing / asset register should hold",
    ),
    Source(
        "caldicott",
        "National Data Guardian: the eight Caldicott Principles (2020)",
        "https://www.gov.uk/government/publications/the-caldicott-principles",
        "secondary",
        "principle 7: the duty to share for individual care is as important as the duty "
        "to protect confidentiality",
    ),
    Source(
        "dcb1596",
        "NHS England: secure email standard (DCB1596)",
        "https://digital.nhs.uk/services/nhsmail/the-secure-email-standard",
        "verified",
        "NHSmail and accredited services meet it; email between them needs no more encryption",
    ),
    Source(
        "nhsmail_secure",
        "NHS England: guidance for sending secure email from NHSmail",
        "https://digital.nhs.uk/services/nhsmail/guidance-for-sending-secure-email",
        "verified",
        "to addresses outside the standard, add [secure] to the subject",
    ),
    Source(
        "hscn_encryption",
        "HSCN: whether traffic is encrypted by default",
        "",
        "unverified",
        "do not treat 'over HSCN' as encrypted in transit",
    ),
    Source(
        "ico_idta",
        "ICO: international data transfer agreement and UK Addendum (in force 21 March 2022)",
        f"{ICO}/international-transfers/",
        "verified",
        "with a transfer risk assessment",
    ),
    Source(
        "uk_adequacy",
        "UK adequacy regulations (DPA 2018 Schedule 21 para 5; "
        "SI 2022/1213 Korea; SI 2023/1028 UK-US data bridge)",
        f"{DPA}/schedule/21",
        "secondary",
        "the countries the UK treats as adequate",
    ),
    Source(
        "flowmap",
        "flowmap's judgement",
        "",
        "judgement",
        "a rule of thumb of flowmap's authors, not a source's statement",
    ),
)

#: Every source, by id.
SOURCES: dict[str, Source] = {s.id: s for s in _ALL}


def cite(*ids: str) -> str:
    """The sources ``ids`` as one line: label (address), ...; unknown ids raise KeyError.

    >>> cite("hscn_encryption")
    'HSCN: whether traffic is encrypted by default [UNVERIFIED]'
    """
    return "; ".join(SOURCES[i].cited() for i in dict.fromkeys(ids))
