"""One module per document kind; each defines a DocumentRenderer subclass."""
