from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.http import JsonResponse


def index(request):
    # Reads the tables `migrate` made and the files `collectstatic` wrote.
    collected = (Path(settings.STATIC_ROOT) / "admin" / "css" / "base.css").exists()
    return JsonResponse({"app": "django-sqlite", "users": User.objects.count(), "collectstatic": collected})
