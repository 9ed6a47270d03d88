from django.urls import path

from . import views

urlpatterns = [path("api/v1/ready/", views.ready), path("api/v1/health/", views.health), path("api/v1/suppliers/", views.suppliers)]
