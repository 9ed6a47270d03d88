from django.db import migrations, models


class Migration(migrations.Migration):
    """Depends on the tenants app's latest migration, as later ProjectMeats apps do. Django plans a full
    `migrate` leaf by leaf in app-label order, so this app ("core", before "customers" ... "suppliers")
    pulls tenants.0002_enable_rls_policies in before most of the nine apps' 0002 that add tenant_id:
    on an empty database it fails with `column "tenant_id" does not exist`, as ProjectMeats' does
    (issue 17, fact 6)."""

    initial = True
    dependencies = [("tenants", "0002_enable_rls_policies")]
    operations = [
        migrations.CreateModel(
            name="Upload",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200)),
                ("size", models.IntegerField()),
                ("release", models.CharField(max_length=40)),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
