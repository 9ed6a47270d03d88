from django.db import migrations


class Migration(migrations.Migration):
    """Row-level security on the nine business tables, as ProjectMeats'
    apps/tenants/migrations/0002_enable_rls_policies.py: ENABLE and FORCE (FORCE applies to the table's
    owner too), one policy per table on tenant_id = current_setting('app.current_tenant_id'). Like it, it
    depends only on the apps' 0001_initial, while the tenant_id column it needs arrives in their 0002:
    the ordering defect a full `migrate` on an empty database hits (issue 17, fact 6)."""

    dependencies = [
        ("tenants", "0001_initial"),
        ("suppliers", "0001_initial"),
        ("customers", "0001_initial"),
        ("products", "0001_initial"),
        ("purchase_orders", "0001_initial"),
        ("sales_orders", "0001_initial"),
        ("invoices", "0001_initial"),
        ("carriers", "0001_initial"),
        ("contacts", "0001_initial"),
        ("plants", "0001_initial"),
    ]
    operations = [
        migrations.RunSQL(
            sql="""
        ALTER TABLE suppliers_supplier ENABLE ROW LEVEL SECURITY;
        ALTER TABLE suppliers_supplier FORCE ROW LEVEL SECURITY;
        CREATE POLICY suppliers_tenant_isolation ON suppliers_supplier FOR ALL
            USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
        ALTER TABLE customers_customer ENABLE ROW LEVEL SECURITY;
        ALTER TABLE customers_customer FORCE ROW LEVEL SECURITY;
        CREATE POLICY customers_tenant_isolation ON customers_customer FOR ALL
            USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
        ALTER TABLE products_product ENABLE ROW LEVEL SECURITY;
        ALTER TABLE products_product FORCE ROW LEVEL SECURITY;
        CREATE POLICY products_tenant_isolation ON products_product FOR ALL
            USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
        ALTER TABLE purchase_orders_purchaseorder ENABLE ROW LEVEL SECURITY;
        ALTER TABLE purchase_orders_purchaseorder FORCE ROW LEVEL SECURITY;
        CREATE POLICY purchase_orders_tenant_isolation ON purchase_orders_purchaseorder FOR ALL
            USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
        ALTER TABLE sales_orders_salesorder ENABLE ROW LEVEL SECURITY;
        ALTER TABLE sales_orders_salesorder FORCE ROW LEVEL SECURITY;
        CREATE POLICY sales_orders_tenant_isolation ON sales_orders_salesorder FOR ALL
            USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
        ALTER TABLE invoices_invoice ENABLE ROW LEVEL SECURITY;
        ALTER TABLE invoices_invoice FORCE ROW LEVEL SECURITY;
        CREATE POLICY invoices_tenant_isolation ON invoices_invoice FOR ALL
            USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
        ALTER TABLE carriers_carrier ENABLE ROW LEVEL SECURITY;
        ALTER TABLE carriers_carrier FORCE ROW LEVEL SECURITY;
        CREATE POLICY carriers_tenant_isolation ON carriers_carrier FOR ALL
            USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
        ALTER TABLE contacts_contact ENABLE ROW LEVEL SECURITY;
        ALTER TABLE contacts_contact FORCE ROW LEVEL SECURITY;
        CREATE POLICY contacts_tenant_isolation ON contacts_contact FOR ALL
            USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
        ALTER TABLE plants_plant ENABLE ROW LEVEL SECURITY;
        ALTER TABLE plants_plant FORCE ROW LEVEL SECURITY;
        CREATE POLICY plants_tenant_isolation ON plants_plant FOR ALL
            USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
""",
            reverse_sql="""
        DROP POLICY IF EXISTS suppliers_tenant_isolation ON suppliers_supplier;
        ALTER TABLE suppliers_supplier NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE suppliers_supplier DISABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS customers_tenant_isolation ON customers_customer;
        ALTER TABLE customers_customer NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE customers_customer DISABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS products_tenant_isolation ON products_product;
        ALTER TABLE products_product NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE products_product DISABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS purchase_orders_tenant_isolation ON purchase_orders_purchaseorder;
        ALTER TABLE purchase_orders_purchaseorder NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE purchase_orders_purchaseorder DISABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS sales_orders_tenant_isolation ON sales_orders_salesorder;
        ALTER TABLE sales_orders_salesorder NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE sales_orders_salesorder DISABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS invoices_tenant_isolation ON invoices_invoice;
        ALTER TABLE invoices_invoice NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE invoices_invoice DISABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS carriers_tenant_isolation ON carriers_carrier;
        ALTER TABLE carriers_carrier NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE carriers_carrier DISABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS contacts_tenant_isolation ON contacts_contact;
        ALTER TABLE contacts_contact NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE contacts_contact DISABLE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS plants_tenant_isolation ON plants_plant;
        ALTER TABLE plants_plant NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE plants_plant DISABLE ROW LEVEL SECURITY;
""",
        ),
    ]
