"""bqw-desktop: 百千万示范带动工程 管理系统."""

__version__ = "0.1.0"
