"""Editor tools (not a Pelican plugin): import, new, check, devserver.

``python -m editor import|new|check`` (the Makefile sets PYTHONPATH).
"""
