"""The kanban board (看板): one lazily paged column per open state, drag a card to run a step."""

from ui.board.board_page import BoardPage

__all__ = ["BoardPage"]
