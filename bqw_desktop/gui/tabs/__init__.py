"""Tabs of the selected site's detail area (see gui/site_tabs.py)."""
