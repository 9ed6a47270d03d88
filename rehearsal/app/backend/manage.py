#!/usr/bin/env python3
"""Django's command-line utility for the rehearsal backend.

As ProjectMeats' backend/manage.py (issue 17, fact 2): it defaults DJANGO_SETTINGS_MODULE to
`projectmeats.settings`, whose __init__ then picks *development* settings unless the variable names
production. So a management command run without the release's env file uses development settings.
"""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "projectmeats.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
