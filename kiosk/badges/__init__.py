"""Badge layouts rendered to PDF with ReportLab: fonts, text fitting, sheets."""
