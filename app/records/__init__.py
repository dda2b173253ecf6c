"""Records: backups and verified restores, the Excel 台账 import and export, the per-case 卷宗."""
