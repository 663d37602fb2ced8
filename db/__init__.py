"""The outcomes database: schema, engine, migrations, reference data and releases."""
