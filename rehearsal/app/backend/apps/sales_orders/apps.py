from django.apps import AppConfig


class SalesOrdersConfig(AppConfig):
    name = "apps.sales_orders"
    label = "sales_orders"
