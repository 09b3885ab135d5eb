#!/usr/bin/env bash
# Produces tests/fixtures/xirr/reference.csv: LibreOffice Calc's XIRR for each case in
# tests/fixtures/xirr/cashflows.csv, as an independent oracle for effekt's XIRR. Run once, by
# hand, when the cases change (needs Debian's libreoffice-calc); the result is committed.
set -euo pipefail
cd "$(dirname "$0")/../tests/fixtures/xirr"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/xirr.fods" <<'PY'
import csv, sys
from collections import OrderedDict
cases = OrderedDict()
for row in csv.DictReader(open("cashflows.csv")):
    cases.setdefault(row["case"], []).append((row["date"], row["amount_nok"]))
cells = []
rows = []
data_row = 1
for name, flows in cases.items():
    first, last = data_row, data_row + len(flows) - 1
    for i, (date, amount) in enumerate(flows):
        label = (f'<table:table-cell office:value-type="string"><text:p>{name}</text:p></table:table-cell>'
                 f'<table:table-cell table:formula="of:=XIRR([.E{first}:.E{last}];[.D{first}:.D{last}])" office:value-type="float"/>'
                 if i == 0 else '<table:table-cell/><table:table-cell/>')
        rows.append(f'<table:table-row>{label}<table:table-cell/>'
                    f'<table:table-cell office:value-type="date" office:date-value="{date}"/>'
                    f'<table:table-cell office:value-type="float" office:value="{amount}"/></table:table-row>')
    data_row = last + 1
doc = ('<?xml version="1.0" encoding="UTF-8"?>'
       '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2" '
       'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
       '<office:body><office:spreadsheet><table:table table:name="xirr">'
       + "".join(rows) + '</table:table></office:spreadsheet></office:body></office:document>')
open(sys.argv[1], "w").write(doc)
PY
# Full precision in the CSV export: format the result cells with 15 decimals via a number
# format is not possible in flat ODS without styles, so export and re-read with the "as shown"
# option off (token 9 = false).
soffice --headless --calc --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false' \
  --outdir "$work" "$work/xirr.fods" >/dev/null 2>&1
python3 - "$work/xirr.csv" <<'PY'
import csv, sys
out = csv.writer(open("reference.csv", "w", newline=""), lineterminator="\n")
out.writerow(["case", "xirr"])
for row in csv.reader(open(sys.argv[1])):
    if row and row[0]:
        out.writerow([row[0], row[1]])
PY
cat reference.csv
