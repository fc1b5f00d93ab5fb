"""Sheets in and out: reading the table files offices keep, templates, exports.

- `reader`: files → `SheetData` (by content: .xlsx, .xls, .csv; hostile files refused)
- `normalize`: cell values → clean values (dates, numbers, phones, organization types)
- `headers`: the header row and which column holds which field (`ColumnMapping`)
- `sites_sheet`, `org_counts_sheet`: rows → validated plain rows with their source cells
- `writer`: list exports, the summary table, error reports; `templates`: blank templates

Nothing here touches the database; services match and store what these functions return.
"""
