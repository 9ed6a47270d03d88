import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Adds tenant_id, the column tenants.0002_enable_rls_policies needs (ProjectMeats: each business app's 0002)."""

    dependencies = [("sales_orders", "0001_initial"), ("tenants", "0001_initial")]
    operations = [
        migrations.AddField(
            model_name="salesorder",
            name="tenant",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to="tenants.tenant"),
        ),
    ]
