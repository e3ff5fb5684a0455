"""The jinja2 templates and stylesheet of the printed reports, shipped as package data.

An `__init__.py` makes this a regular package, so `importlib.resources` finds it in
an editable install too (setuptools maps it from the top-level `templates/` folder).
"""
