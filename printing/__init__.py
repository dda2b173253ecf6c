"""ReportLab documents: plain dataclasses in, PDF bytes out. No Qt, no peewee."""
