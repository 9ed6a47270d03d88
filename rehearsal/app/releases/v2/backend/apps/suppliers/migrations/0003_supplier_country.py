from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0002_supplier_tenant")]
    operations = [migrations.AddField(model_name="supplier", name="country", field=models.CharField(blank=True, max_length=2, null=True))]
