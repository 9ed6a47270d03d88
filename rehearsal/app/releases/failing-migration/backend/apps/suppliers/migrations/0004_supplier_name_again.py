from django.db import migrations


class Migration(migrations.Migration):
    """A migration that cannot apply: the column exists. PostgreSQL rolls the whole migration back."""

    dependencies = [("suppliers", "0003_supplier_country")]
    operations = [migrations.RunSQL("ALTER TABLE suppliers_supplier ADD COLUMN name varchar(200)")]
