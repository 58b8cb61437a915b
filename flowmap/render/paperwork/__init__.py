"""The IG team's paperwork as files: records of processing (:mod:`.ropa`), the agreements
register (:mod:`.agreements`), "can we share this?" answers (:mod:`.checkflow`) and DSPT
evidence (:mod:`.dspt`), each a workbook, CSV files and a printable page
(:mod:`.page`: self-contained, no scripts, escaped, A4 landscape)."""
