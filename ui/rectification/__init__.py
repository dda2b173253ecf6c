"""整改 in the UI: the list page with its filters (list_page), one item with its steps (item_dialog),
the new-item form (new_item), and the 整改 tab of a case's workspace (case_section)."""
