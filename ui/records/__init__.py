"""Screens of the records features: 备份与恢复, 导入台账, 导出台账, 卷宗."""
