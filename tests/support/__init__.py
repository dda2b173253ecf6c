"""Helpers the tests share (servers, sessions)."""
