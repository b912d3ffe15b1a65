"""The web application (Django): catalogue, roles and, later, status rounds and dashboards.

The library below never imports from here; views check access, call the library and render.
"""
