"""The role homes (工作台): queue tiles with live counts and each role's own lists."""

from ui.home.role_home import RoleHome

__all__ = ["RoleHome"]
