"""投诉分析报告 and the 考核 sheet: built from app/statistics figures, written as PDF (printing/reports),
Word (.docx) and Excel (.xlsx), issued and stored with their hash."""
