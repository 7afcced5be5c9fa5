from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.http import JsonResponse


def index(request):
    # Reads the tables `migrate` made in PostgreSQL and the files `collectstatic` wrote.
    collected = (Path(settings.STATIC_ROOT) / "admin" / "css" / "base.css").exists()
    return JsonResponse({"app": "django-postgres", "vendor": connection.vendor, "users": User.objects.count(),
                         "collectstatic": collected})


def add(request):
    User.objects.get_or_create(username=request.GET["name"])
    return index(request)
