"""Gives the app's database user the rights DigitalOcean does not, as the cluster's admin (doadmin).

Run by db-rights.sh inside the backend image (its Python and its PostgreSQL driver: psycopg 3, else
psycopg2), with the admin's connection URI on standard input; nothing here prints it.

- A database created through DigitalOcean's API is owned by doadmin and a user created through it has
  no privileges ("How to Modify User Privileges in PostgreSQL Databases", docs.digitalocean.com); since
  PostgreSQL 15 only the owner may create in schema public (PostgreSQL 15 release notes, "Remove
  PUBLIC creation permission on the public schema"). So: GRANT CREATE ON SCHEMA public, which
  PostgreSQL applies idempotently.
- With --bypass-rls, ALTER ROLE ... BYPASSRLS. PostgreSQL lets only a superuser (up to 15) or a role
  that has BYPASSRLS itself (16 and later: "Only roles with the BYPASSRLS attribute may change the
  BYPASSRLS attribute") change that attribute (PostgreSQL docs, ALTER ROLE). Whether doadmin has it is
  not documented, so pg_roles says, at run time, before anything is changed.

Exit codes: 0 done; 2 could not connect or a statement failed; 3 BYPASSRLS needed but not grantable;
64 usage error.
"""

import argparse
import sys
from urllib.parse import unquote, urlsplit

REFUSED = (
    "db-rights: the app's role {app} needs BYPASSRLS (projectmeats:appBypassRowLevelSecurity is on), and {admin} "
    "cannot give it: {why}. Connecting the app as {admin} would fail the same way: "
    "the tenant tables FORCE row-level security, and ProjectMeats' apps/tenants/middleware.py sets "
    "app.current_tenant_id with SET LOCAL outside a transaction, where it has no effect, so every write to a tenant "
    "table fails and every read returns nothing. Fix the middleware (set the tenant inside the request's "
    "transaction), then set projectmeats:appBypassRowLevelSecurity to false. The release stopped here: nothing "
    "was changed in the database or on the servers."
)


def connect(uri):
    """A connection in autocommit mode through whichever driver the image has."""
    try:
        import psycopg  # psycopg 3: ProjectMeats' requirements.txt has psycopg[binary]

        return psycopg.connect(uri, autocommit=True)
    except ImportError:
        import psycopg2

        connection = psycopg2.connect(uri)
        connection.autocommit = True
        return connection


def quote_identifier(name):
    """An SQL identifier, quoted as PostgreSQL reads it."""
    return '"' + name.replace('"', '""') + '"'


def role(cursor, name):
    cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", (name,))
    row = cursor.fetchone()
    return None if row is None else {"rolsuper": bool(row[0]), "rolbypassrls": bool(row[1])}


def describe(attributes):
    return "rolsuper={} rolbypassrls={}".format(str(attributes["rolsuper"]).lower(), str(attributes["rolbypassrls"]).lower())


def main(argv):
    parser = argparse.ArgumentParser(prog="db-rights")
    parser.add_argument("--app-user", required=True)
    parser.add_argument("--bypass-rls", action="store_true")
    args = parser.parse_args(argv)

    uri = sys.stdin.readline().strip()
    if not uri:
        print("db-rights: no admin connection URI on standard input", file=sys.stderr)
        return 64
    password = unquote(urlsplit(uri).password or "")

    def redact(error):
        text = str(error).strip()
        return text.replace(password, "***") if password else text

    try:
        connection = connect(uri)
    except Exception as error:  # any driver's connection error
        print("db-rights: could not connect as the cluster's admin: " + redact(error), file=sys.stderr)
        return 2
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT current_user, current_database(), current_setting('server_version')")
        admin, database, version = cursor.fetchone()
        admin_role = role(cursor, admin)
        print("db-rights: connected to {} (PostgreSQL {}) as {}: {}".format(database, version, admin, describe(admin_role)))
        app_role = role(cursor, args.app_user)
        if app_role is None:
            print("db-rights: the app's role {} does not exist".format(args.app_user), file=sys.stderr)
            return 2

        # Decide before changing anything: a release that cannot get what it needs changes nothing.
        give_bypass = args.bypass_rls and not app_role["rolbypassrls"]
        if give_bypass and not admin_role["rolsuper"]:
            cursor.execute("SELECT current_setting('server_version_num')::int")
            before_16 = cursor.fetchone()[0] < 160000
            why = None
            if not admin_role["rolbypassrls"]:
                why = "{} has no BYPASSRLS itself (pg_roles.rolbypassrls = false) and is no superuser, and PostgreSQL lets only such roles change that attribute".format(admin)
            elif before_16:
                why = "{} is no superuser, and PostgreSQL before 16 lets only superusers change that attribute".format(admin)
            if why is not None:
                print(REFUSED.format(app=args.app_user, admin=admin, why=why), file=sys.stderr)
                return 3

        cursor.execute("GRANT CREATE ON SCHEMA public TO " + quote_identifier(args.app_user))
        print("db-rights: {} may create in schema public of {}".format(args.app_user, database))
        if give_bypass:
            try:
                cursor.execute("ALTER ROLE " + quote_identifier(args.app_user) + " BYPASSRLS")
            except Exception as error:
                print("db-rights: {} could not give {} BYPASSRLS: {}".format(admin, args.app_user, redact(error)), file=sys.stderr)
                return 3
            print("db-rights: gave {} BYPASSRLS".format(args.app_user))

        print("db-rights: the app's role {}: {}".format(args.app_user, describe(role(cursor, args.app_user))))
        return 0
    except Exception as error:
        print("db-rights: " + redact(error), file=sys.stderr)
        return 2
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
