"""Dialogs; each receives what it needs in its constructor."""
