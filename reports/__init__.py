"""Reports: pure functions from query rows to files (.xlsx with openpyxl, .pdf with
ReportLab, .csv). They read no database themselves; callers pass rows from models/."""
