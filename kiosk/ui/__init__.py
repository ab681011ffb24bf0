"""PySide6 widgets: thin, over services."""
