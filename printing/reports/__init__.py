"""投诉分析报告: the data a report is made of, its charts (reportlab.graphics) and the PDF renderer."""
